import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { RetentionOverview } from '../api/types.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLoad } from '../hooks.js';

/** `P2Y6M`, `P30D`, `P4W` → "2 years 6 months" in the interface language (the period as configured otherwise). */
export function usePeriod() {
  const { t } = useTranslation();
  return (iso: string): string => {
    const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(iso);
    if (!m) return iso;
    const parts = (['years', 'months', 'weeks', 'days'] as const)
      .map((unit, i) => (m[i + 1] ? t(`retention.${unit}`, { count: Number(m[i + 1]) }) : ''))
      .filter(Boolean);
    return parts.length ? parts.join(' ') : iso;
  };
}

/** Data retention (admins): the periods in force, when the purge runs, what the last purge deleted. */
export default function Retention() {
  const { t } = useTranslation();
  const f = useFormat();
  const period = usePeriod();
  const isAdmin = session.user!.roles.includes('admin');
  const overview = useLoad(
    () => (isAdmin ? api.get<RetentionOverview>('/admin/retention') : Promise.resolve(undefined)),
    [isAdmin],
  );
  if (!isAdmin) {
    return (
      <main id="main" tabIndex={-1}>
        <p role="alert">{t('retention.forbidden')}</p>
      </main>
    );
  }
  const o = overview.data;
  const [minute, hour] = (o?.schedule ?? '30 2').split(' ');
  const time = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('retention.title')}</h1>
      <ErrorNote error={overview.error} onRetry={overview.reload} />
      {!o ? (
        !overview.error && <Loading />
      ) : (
        <>
          <p>{t('retention.intro', { time })}</p>
          <section className="card" aria-labelledby="periods-h">
            <h2 id="periods-h">{t('retention.periods')}</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('retention.network')}</th>
                  <th scope="col">{t('retention.messages')}</th>
                  <th scope="col">{t('retention.cases')}</th>
                </tr>
              </thead>
              <tbody>
                {o.networks.map((n) => (
                  <tr key={n.network}>
                    <th scope="row">{t(`networkName.${n.network}`)}</th>
                    <td>
                      {n.messages
                        ? t('retention.fromStored', { period: period(n.messages) })
                        : t('retention.keptForever')}
                    </td>
                    <td>
                      {n.cases
                        ? t('retention.fromClosing', { period: period(n.cases) })
                        : t('retention.keptForever')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <strong>{t('retention.audit')}:</strong>{' '}
              {o.audit ? t('retention.auditPeriod', { period: period(o.audit) }) : t('retention.keptForever')}
            </p>
          </section>
          <section className="card" aria-labelledby="purge-h">
            <h2 id="purge-h">{t('retention.lastPurge')}</h2>
            {o.lastPurge ? (
              <>
                <p>{t('retention.lastPurgeAt', { at: f.dateTime(o.lastPurge.at) })}</p>
                <ul>
                  <li>{t('retention.deletedMessages', { n: o.lastPurge.messages })}</li>
                  <li>
                    {t('retention.deletedCases', {
                      n: o.lastPurge.cases,
                      messages: o.lastPurge.caseMessages,
                    })}
                  </li>
                  <li>{t('retention.deletedAudit', { n: o.lastPurge.auditRows })}</li>
                </ul>
              </>
            ) : (
              <p>{t('retention.never')}</p>
            )}
          </section>
        </>
      )}
    </main>
  );
}
