import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, qs } from '../api/http.js';
import { MEMBER_COUNTRIES, type Case, type CaseStatus } from '../api/types.js';
import { ErrorNote, Field, Loading, NetworkPicker } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLiveEvent, useLoad, useNetwork } from '../hooks.js';

const STATUSES: CaseStatus[] = ['open', 'awaiting-response', 'resolved', 'closed'];

/** The cases the user may read in a network, filtered by status and country; new and changed cases appear live. */
export default function Cases() {
  const { t } = useTranslation();
  const f = useFormat();
  const { networks, network, setNetwork } = useNetwork();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const country = params.get('country') ?? '';
  const cases = useLoad(
    () =>
      network
        ? api.get<Case[]>(`/networks/${network}/cases${qs({ status, country })}`)
        : Promise.resolve(undefined),
    [network, status, country],
  );
  useLiveEvent('case.created', cases.reload);
  useLiveEvent('case.updated', cases.reload);
  useLiveEvent('access.updated', cases.reload);

  const setFilter = (key: string, value: string) =>
    setParams(
      (p) => {
        if (value) p.set(key, value);
        else p.delete(key);
        return p;
      },
      { replace: true },
    );

  return (
    <main id="main" tabIndex={-1}>
      <div className="title-row">
        <h1>{t('cases.title')}</h1>
        <Link className="button primary" to={`/cases/new${network ? `?network=${network}` : ''}`}>
          {t('cases.open')}
        </Link>
      </div>
      <form className="filters" aria-label={t('cases.filters')} onSubmit={(e) => e.preventDefault()}>
        <NetworkPicker networks={networks} value={network} onChange={setNetwork} />
        <Field label={t('cases.status')}>
          {(id) => (
            <select id={id} value={status} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`caseStatus.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('cases.country')}>
          {(id) => (
            <select id={id} value={country} onChange={(e) => setFilter('country', e.target.value)}>
              <option value="">{t('cases.any')}</option>
              {MEMBER_COUNTRIES.map((c) => (
                <option key={c} value={c}>
                  {f.country(c)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      {cases.error ? <ErrorNote error={cases.error} onRetry={cases.reload} /> : null}
      {!cases.data && !cases.error && <Loading />}
      {cases.data?.length === 0 && <p>{t('cases.empty')}</p>}
      {cases.data && cases.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="cases">
            <thead>
              <tr>
                <th scope="col">{t('cases.reference')}</th>
                <th scope="col">{t('cases.caseTitle')}</th>
                <th scope="col">{t('cases.type')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col">{t('cases.countries')}</th>
                <th scope="col">{t('cases.handling')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.data.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/cases/${c.id}`}>{c.reference}</Link>
                  </td>
                  <td>{c.title}</td>
                  <td>{t(`caseType.${c.type}`)}</td>
                  <td>
                    <span className={`pill st-${c.status}`}>{t(`caseStatus.${c.status}`)}</span>
                  </td>
                  <td>{c.countries.join(', ')}</td>
                  <td>
                    <span className={`pill h-${c.handling}`}>{t(`handling.${c.handling}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
