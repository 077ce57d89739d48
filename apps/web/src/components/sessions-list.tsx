import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import type { AccountSession } from '../api/types.js';
import { useFormat } from '../format.js';
import { useLoad } from '../hooks.js';
import { ErrorNote, Loading } from './ui.js';

/** A readable name for a browser's user agent: the browser and the system, else the raw text. */
export function deviceName(userAgent: string | null, unknown: string): string {
  if (!userAgent) return unknown;
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && system) return `${browser}, ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}

/** The caller's sign-in sessions, "this device" first, each other one with a button that ends it at once. */
export function SessionsList() {
  const { t } = useTranslation();
  const f = useFormat();
  const sessions = useLoad(() => api.get<AccountSession[]>('/me/sessions'), []);
  const [error, setError] = useState<unknown>(null);
  const [ended, setEnded] = useState(false);

  const signOut = async (id: string) => {
    setError(null);
    setEnded(false);
    try {
      await api.delete(`/me/sessions/${id}`);
      sessions.set((list) => list?.filter((s) => s.id !== id));
      setEnded(true);
    } catch (err) {
      setError(err);
      sessions.reload();
    }
  };

  const list = [...(sessions.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t('myAccount.sessions')}</h2>
      <p className="muted">{t('myAccount.sessionsIntro')}</p>
      {sessions.error ? <ErrorNote error={sessions.error} onRetry={sessions.reload} /> : null}
      {!sessions.data && !sessions.error && <Loading />}
      {sessions.data && (
        <ul className="sessions" data-testid="sessions">
          {list.map((s) => {
            const device = deviceName(s.userAgent, t('myAccount.unknownDevice'));
            return (
              <li key={s.id} data-session={s.id}>
                <strong>{device}</strong>
                {s.current && <span className="badge"> {t('myAccount.thisDevice')}</span>}
                <br />
                <small className="muted">
                  {t('myAccount.signedInAt', { when: f.dateTime(s.createdAt) })},{' '}
                  {t('myAccount.lastUsed', { when: f.dateTime(s.lastUsedAt) })}
                  {s.ip ? `, ${t('myAccount.from', { ip: s.ip })}` : ''}
                </small>{' '}
                {!s.current && (
                  <button type="button" onClick={() => void signOut(s.id)}>
                    {t('myAccount.signOutSession')}
                    <span className="sr-only">: {t('myAccount.signOutSessionOf', { device })}</span>
                  </button>
                )}
              </li>
            );
          })}
          {list.length === 1 && <li className="muted">{t('myAccount.noSessions')}</li>}
        </ul>
      )}
      {ended && <p role="status">{t('myAccount.sessionEnded')}</p>}
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}
