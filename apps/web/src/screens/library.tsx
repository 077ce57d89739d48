import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import { MEMBER_COUNTRIES, SHEET_TOPICS, type SheetFreshness, type SheetSummary } from '../api/types.js';
import { ErrorNote, Field, Loading } from '../components/ui.js';
import '../components/sheets.css';
import { useFormat } from '../format.js';
import { useLiveEvent, useLoad } from '../hooks.js';

const PERIODS = ['P30D', 'P90D', 'P6M', 'P1Y'] as const;

/**
 * The Virtual Secretariat's library: a member country's sheets (topic, version, when, by whom) and the grid of every
 * member country × topic, stale cells highlighted for the period chosen. A publication anywhere updates both live.
 */
export default function Library() {
  const { t } = useTranslation();
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const mine = session.user?.country;
  const country =
    params.get('country') ??
    (mine && (MEMBER_COUNTRIES as readonly string[]).includes(mine) ? mine : MEMBER_COUNTRIES[0]);
  const period = (PERIODS as readonly string[]).includes(params.get('staleAfter') ?? '')
    ? params.get('staleAfter')!
    : 'P30D';
  const set = (key: string, value: string) =>
    setParams(
      (p) => {
        p.set(key, value);
        return p;
      },
      { replace: true },
    );
  const library = useLoad(() => api.get<SheetSummary[]>(`/countries/${country}/sheets`), [country]);
  const grid = useLoad(() => api.get<SheetFreshness[]>(`/sheets?staleAfter=${period}`), [period]);
  useLiveEvent('sheet.published', () => {
    library.reload();
    grid.reload();
  });
  useLiveEvent('reconnected', grid.reload);
  const topic = (code: string) => t(`sheets.topics.${code}`);
  const cells = new Map((grid.data ?? []).map((r) => [`${r.country}:${r.topic}`, r]));

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('sheets.title')}</h1>
      <p className="muted">{t('sheets.intro')}</p>
      <section aria-labelledby="library-country">
        <h2 id="library-country">{t('sheets.library', { country: f.country(country) })}</h2>
        <Field label={t('sheets.country')}>
          {(id) => (
            <select id={id} value={country} onChange={(e) => set('country', e.target.value)}>
              {MEMBER_COUNTRIES.map((c) => (
                <option key={c} value={c}>
                  {f.country(c)} ({c})
                </option>
              ))}
            </select>
          )}
        </Field>
        {library.error ? <ErrorNote error={library.error} onRetry={library.reload} /> : null}
        {!library.data && !library.error && <Loading />}
        {library.data && (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="library-country">
            <table data-testid="library">
              <thead>
                <tr>
                  <th scope="col">{t('sheets.topic')}</th>
                  <th scope="col">{t('sheets.version')}</th>
                  <th scope="col">{t('sheets.updated')}</th>
                  <th scope="col">{t('sheets.by')}</th>
                </tr>
              </thead>
              <tbody>
                {library.data.map((s) => (
                  <tr key={s.topic} data-topic={s.topic}>
                    <th scope="row">
                      <Link to={`/library/${country}/${s.topic}`}>{topic(s.topic)}</Link>
                    </th>
                    <td>{s.version ?? t('sheets.notPublished')}</td>
                    <td>
                      {s.updatedAt ? <time dateTime={s.updatedAt}>{f.dateTime(s.updatedAt)}</time> : '—'}
                    </td>
                    <td>{s.updatedBy?.displayName ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="library-grid">
        <h2 id="library-grid">{t('sheets.grid')}</h2>
        <p className="muted">{t('sheets.gridIntro')}</p>
        <Field label={t('sheets.period')}>
          {(id) => (
            <select id={id} value={period} onChange={(e) => set('staleAfter', e.target.value)}>
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {t(`sheets.periods.${p}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {grid.error ? <ErrorNote error={grid.error} onRetry={grid.reload} /> : null}
        {!grid.data && !grid.error && <Loading />}
        {grid.data && (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="library-grid">
            <table className="sheet-grid" data-testid="sheet-grid">
              <thead>
                <tr>
                  <th scope="col">{t('sheets.country')}</th>
                  {SHEET_TOPICS.map((tp) => (
                    <th scope="col" key={tp}>
                      {topic(tp)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {MEMBER_COUNTRIES.map((c) => (
                  <tr key={c} data-country={c}>
                    <th scope="row">
                      <abbr title={f.country(c)}>{c}</abbr>
                    </th>
                    {SHEET_TOPICS.map((tp) => {
                      const r = cells.get(`${c}:${tp}`);
                      const state = !r?.version ? 'missing' : r.stale ? 'stale' : 'fresh';
                      return (
                        <td
                          key={tp}
                          className={state === 'fresh' ? 'fresh' : 'stale'}
                          data-topic={tp}
                          data-state={state}
                        >
                          <Link
                            to={`/library/${c}/${tp}`}
                            aria-label={t('sheets.cell', {
                              country: f.country(c),
                              topic: topic(tp),
                              state: t(`sheets.${state}`),
                            })}
                          >
                            {r?.version ? `v${r.version} · ${t(`sheets.${state}`)}` : t('sheets.missing')}
                          </Link>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
