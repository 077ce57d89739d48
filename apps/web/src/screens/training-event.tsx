import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { RegistrationStatus, TrainingEventDetail, TrainingRegistration } from '../api/types.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { mayEditTraining, StatusBadge, useBilingual, useZoned } from '../components/training.js';
import { useFormat } from '../format.js';
import { useLiveEvent, useLoad } from '../hooks.js';

/**
 * One training event: details in the user's language, times in the user's zone (and the event's), register or
 * withdraw with the resulting status at once, the `.ics`; for editors publish, cancel, edit and the registrations.
 */
export default function TrainingEventScreen() {
  const { id } = useParams();
  const { t } = useTranslation();
  const text = useBilingual();
  const zoned = useZoned();
  const f = useFormat();
  const event = useLoad(() => api.get<TrainingEventDetail>(`/training-events/${id}`), [id]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editor = mayEditTraining(session.user);
  const [regVersion, setRegVersion] = useState(0);
  const mine = (p: { id?: string; eventId?: string }) => (p.id ?? p.eventId) === id;
  const refresh = (p: { id?: string; eventId?: string }) => {
    if (!mine(p)) return;
    event.reload();
    setRegVersion((v) => v + 1);
  };
  useLiveEvent('training.published', refresh);
  useLiveEvent('training.updated', refresh);
  useLiveEvent('training.cancelled', refresh);
  useLiveEvent('training.registration', refresh);
  useLiveEvent('reconnected', event.reload);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      event.reload();
      setRegVersion((v) => v + 1);
    }
  };
  const register = () =>
    act(async () => {
      const r = await api.post<{ status: RegistrationStatus }>(`/training-events/${id}/registrations`);
      event.set((e) => e && { ...e, myRegistration: r.status });
    });
  const withdraw = () =>
    act(async () => {
      await api.delete(`/training-events/${id}/registrations`);
      event.set((e) => e && { ...e, myRegistration: null });
    });

  if (event.error)
    return (
      <Main>
        <ErrorNote error={event.error} onRetry={event.reload} />
      </Main>
    );
  const e = event.data;
  if (!e)
    return (
      <Main>
        <Loading />
      </Main>
    );
  const closesAt = e.registrationDeadline ?? e.startsAt;
  const open = e.status === 'published' && new Date(closesAt).getTime() > Date.now();

  return (
    <Main>
      <p>
        <Link to="/training">{t('training.back')}</Link>
      </p>
      <h1>{text(e.title)}</h1>
      <p>
        <StatusBadge event={e} /> {t(`training.kind.${e.kind}`)}
      </p>
      <dl className="facts">
        <dt>{t('training.starts')}</dt>
        <dd>
          <time dateTime={e.startsAt}>{zoned(e.startsAt)}</time>
          <small className="muted block">
            {t('training.eventZone', { time: zoned(e.startsAt, e.timezone, true) })}
          </small>
        </dd>
        <dt>{t('training.ends')}</dt>
        <dd>
          <time dateTime={e.endsAt}>{zoned(e.endsAt)}</time>
          <small className="muted block">
            {t('training.eventZone', { time: zoned(e.endsAt, e.timezone, true) })}
          </small>
        </dd>
        <dt>{t('training.where')}</dt>
        <dd>
          {e.location.url ? (
            <a href={e.location.url} rel="noopener noreferrer" target="_blank">
              {t('training.onlineLink')}
            </a>
          ) : (
            `${e.location.city ?? ''}, ${e.location.country ? f.country(e.location.country) : ''}`
          )}
        </dd>
        <dt>{t('training.sponsors')}</dt>
        <dd>{e.sponsors.map((s) => (s.length === 2 ? f.country(s) : s)).join(', ') || t('app.none')}</dd>
        <dt>{t('training.audience')}</dt>
        <dd>{t(`training.audiences.${e.audience}`)}</dd>
        <dt>{t('training.deadline')}</dt>
        <dd>
          <time dateTime={closesAt}>{zoned(closesAt)}</time>
        </dd>
        <dt>{t('training.places')}</dt>
        <dd data-testid="counts">
          {t('training.counts', {
            registered: e.registered,
            capacity: e.capacity ?? '∞',
            waitlisted: e.waitlisted,
          })}
        </dd>
      </dl>
      <p className="prewrap">{text(e.description)}</p>

      <section className="card" aria-labelledby="reg-title">
        <h2 id="reg-title">{t('training.registration')}</h2>
        <p role="status" data-testid="my-registration">
          {e.myRegistration ? t(`training.my.${e.myRegistration}`) : t('training.my.none')}
        </p>
        {e.myRegistration ? (
          <button type="button" disabled={busy} onClick={() => void withdraw()}>
            {t('training.withdraw')}
          </button>
        ) : (
          open && (
            <button type="button" className="primary" disabled={busy} onClick={() => void register()}>
              {t('training.register')}
            </button>
          )
        )}
        {!open && !e.myRegistration && e.status === 'published' && <p>{t('training.closed')}</p>}
        {e.status !== 'draft' && (
          <p>
            <button
              type="button"
              onClick={() =>
                void api.download(`/training-events/${e.id}/ics`, `training-${e.id}.ics`).catch(setError)
              }
            >
              {t('training.ics')}
            </button>
          </p>
        )}
      </section>
      {error ? <ErrorNote error={error} /> : null}

      {editor && (
        <section className="card" aria-labelledby="edit-title">
          <h2 id="edit-title">{t('training.manage')}</h2>
          <div className="row-actions">
            {e.status !== 'cancelled' && (
              <Link className="button" to={`/training/${e.id}/edit`}>
                {t('training.edit')}
              </Link>
            )}
            {e.status === 'draft' && (
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void act(() => api.post(`/training-events/${e.id}/publish`))}
              >
                {t('training.publish')}
              </button>
            )}
            {e.status !== 'cancelled' && (
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() =>
                  confirm(t('training.cancelConfirm')) &&
                  void act(() => api.post(`/training-events/${e.id}/cancel`))
                }
              >
                {t('training.cancelEvent')}
              </button>
            )}
          </div>
          <Registrations id={e.id} version={regVersion} />
        </section>
      )}
    </Main>
  );
}

function Main({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" tabIndex={-1}>
      {children}
    </main>
  );
}

function Registrations({ id, version }: { id: string; version: number }) {
  const { t } = useTranslation();
  const zoned = useZoned();
  const list = useLoad(
    () => api.get<TrainingRegistration[]>(`/training-events/${id}/registrations`),
    [id, version],
  );
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <div className="title-row">
        <h3>{t('training.registrations')}</h3>
        <button
          type="button"
          onClick={() =>
            void api
              .download(`/training-events/${id}/registrations?format=csv`, `registrations-${id}.csv`)
              .catch(setError)
          }
        >
          {t('training.csv')}
        </button>
      </div>
      {error ? <ErrorNote error={error} /> : null}
      {list.error ? <ErrorNote error={list.error} onRetry={list.reload} /> : null}
      {list.data?.length === 0 && <p>{t('training.noRegistrations')}</p>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('training.registrations')}>
          <table data-testid="registrations">
            <thead>
              <tr>
                <th scope="col">{t('training.person')}</th>
                <th scope="col">{t('training.country')}</th>
                <th scope="col">{t('training.regStatus')}</th>
                <th scope="col">{t('training.registeredAt')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((r) => (
                <tr key={r.user.id}>
                  <th scope="row">{r.user.displayName}</th>
                  <td>{r.user.country ?? ''}</td>
                  <td>{t(`training.my.${r.status}`)}</td>
                  <td>
                    <time dateTime={r.registeredAt}>{zoned(r.registeredAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
