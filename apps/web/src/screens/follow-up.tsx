import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { FollowUp } from '../api/types.js';
import { Respond } from '../components/respond.js';
import { ErrorNote, Field, Loading } from '../components/ui.js';
import { isoToLocalInput, localInputToIso, useFormat } from '../format.js';
import { useLiveEvent, useLoad } from '../hooks.js';

/** One follow-up item: the page every reminder email links to. */
export default function FollowUpScreen() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const item = useLoad(() => api.get<FollowUp>(`/follow-ups/${id}`), [id]);
  useLiveEvent('followup.updated', (u: FollowUp) => u.id === id && item.set(() => u));
  if (item.error) {
    return (
      <main id="main" tabIndex={-1}>
        <ErrorNote error={item.error} onRetry={item.reload} />
      </main>
    );
  }
  if (!item.data) return <Loading />;
  const fu = item.data;
  const me = session.user!;
  const mine = fu.assignments.find((a) => a.country === me.country);
  const officer = me.memberships.some((m) => m.network === fu.network && m.role === 'officer');
  const canCoordinate = me.presidency || me.roles.some((r) => r === 'admin' || r === 'secretariat');
  return (
    <main id="main" tabIndex={-1}>
      <p className="muted">{t('followUp.title')}</p>
      <h1>{fu.title}</h1>
      {fu.cancelled && <p className="note">{t('followUp.cancelled')}</p>}
      <p>
        {t('board.due')}: <time dateTime={fu.dueAt}>{f.dateTime(fu.dueAt)}</time>
      </p>
      {fu.description && <p className="summary">{fu.description}</p>}
      {fu.sheet && (
        <p className="note" data-testid="follow-up-sheet">
          {t('sheets.namesSheet', { topic: t(`sheets.topics.${fu.sheet.topic}`) })}{' '}
          {me.country && <Link to={`/library/${me.country}/${fu.sheet.topic}`}>{t('sheets.openSheet')}</Link>}
        </p>
      )}
      <h2>{t('followUp.assignments')}</h2>
      <ul className="assignments">
        {fu.assignments.map((a) => (
          <li key={a.country}>
            <strong>{f.country(a.country)}</strong>{' '}
            <span className={`pill s-${a.status}`} data-country={a.country}>
              {t(`status.${a.status}`)}
            </span>
            {a.respondedAt && (
              <small className="muted">
                {' '}
                · {t('followUp.respondedAt', { when: f.dateTime(a.respondedAt) })}
              </small>
            )}
            {a.note && <q>{a.note}</q>}
          </li>
        ))}
      </ul>
      {mine && officer && !fu.cancelled && (
        <Respond followUpId={fu.id} assignment={mine} onAnswered={() => item.reload()} />
      )}
      {canCoordinate && !fu.cancelled && <Move item={fu} onChanged={(u) => item.set(() => u)} />}
    </main>
  );
}

/** The PPT moves an item (a new due date moves every reminder) or cancels it. */
function Move({ item, onChanged }: { item: FollowUp; onChanged: (f: FollowUp) => void }) {
  const { t } = useTranslation();
  const [due, setDue] = useState(() => isoToLocalInput(item.dueAt));
  const [error, setError] = useState<unknown>(null);
  const patch = (body: object) =>
    api.patch<FollowUp>(`/follow-ups/${item.id}`, body).then(onChanged, setError);
  return (
    <section className="card" aria-labelledby="move-h">
      <h2 id="move-h">{t('board.move')}</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void patch({ dueAt: localInputToIso(due) });
        }}
      >
        <Field label={t('board.newDue')}>
          {(id) => (
            <input
              id={id}
              type="datetime-local"
              required
              value={due}
              onChange={(e) => setDue(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary">
          {t('board.move')}
        </button>
        <button type="button" onClick={() => void patch({ cancelled: true })}>
          {t('board.cancelItem')}
        </button>
      </form>
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}
