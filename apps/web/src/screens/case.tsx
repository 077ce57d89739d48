import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api/http.js';
import { CASE_TRANSITIONS, type Case, type CaseStatus } from '../api/types.js';
import { Thread } from '../components/thread.js';
import { ErrorNote, Field, Loading } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLiveEvent, useLoad } from '../hooks.js';

/** One case: status, countries, handling badge, summary, status changes and its live thread. */
export default function CaseScreen() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const c = useLoad(() => api.get<Case>(`/cases/${id}`), [id]);
  useLiveEvent('case.updated', (u: Case) => u.id === id && c.set(() => u));

  if (c.error) {
    return (
      <main id="main" tabIndex={-1}>
        <ErrorNote error={c.error} onRetry={c.reload} />
      </main>
    );
  }
  if (!c.data) return <Loading />;
  const kase = c.data;
  return (
    <main id="main" tabIndex={-1} className="case">
      <p className="muted">
        {kase.reference} · {t(`caseType.${kase.type}`)}
      </p>
      <h1>{kase.title}</h1>
      <div className="facts">
        <span className={`pill st-${kase.status}`} data-testid="case-status">
          {t('cases.status')}: {t(`caseStatus.${kase.status}`)}
        </span>
        <span className={`pill h-${kase.handling}`}>{t(`handling.${kase.handling}`)}</span>
        <span>
          {t('cases.countries')}: {kase.countries.map((code) => f.country(code)).join(', ')}
        </span>
      </div>
      <p className="muted">
        {t('cases.openedBy', { name: kase.openedBy.displayName })} ·{' '}
        <time dateTime={kase.createdAt}>{f.dateTime(kase.createdAt)}</time> ·{' '}
        {t('cases.updated', { when: f.dateTime(kase.updatedAt) })}
      </p>
      <section aria-labelledby="summary-h">
        <h2 id="summary-h">{t('cases.summary')}</h2>
        <p className="summary">{kase.summary}</p>
      </section>
      <StatusChange kase={kase} onChanged={(u) => c.set(() => u)} />
      <h2>{t('cases.thread')}</h2>
      <Thread
        channelId={kase.channelId}
        label={kase.reference}
        canPost={kase.status !== 'closed'}
        caseThread
      />
    </main>
  );
}

function StatusChange({ kase, onChanged }: { kase: Case; onChanged: (c: Case) => void }) {
  const { t } = useTranslation();
  const options = CASE_TRANSITIONS[kase.status];
  const [to, setTo] = useState<CaseStatus>(options[0]);
  const [error, setError] = useState<unknown>(null);
  const chosen = options.includes(to) ? to : options[0];
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        api.patch<Case>(`/cases/${kase.id}`, { status: chosen }).then(onChanged, setError);
      }}
    >
      <Field label={t('cases.changeStatus')}>
        {(id) => (
          <select id={id} value={chosen} onChange={(e) => setTo(e.target.value as CaseStatus)}>
            {options.map((s) => (
              <option key={s} value={s}>
                {t(`caseStatus.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit">{t('cases.apply')}</button>
      {error ? <ErrorNote error={error} /> : null}
    </form>
  );
}
