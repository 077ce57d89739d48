import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import { MEMBER_COUNTRIES, type WorkPlanActivity, type WorkPlanStatus } from '../api/types.js';
import { CountryChecks, ErrorNote, Field, Loading, NetworkPicker } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLoad, useNetwork } from '../hooks.js';

const STATUSES: WorkPlanStatus[] = ['planned', 'in-progress', 'completed', 'on-hold', 'cancelled'];

/** The network's Work Plan; the PPT and the secretariat add activities and move their status. */
export default function WorkPlan() {
  const { t } = useTranslation();
  const f = useFormat();
  const { networks, network, setNetwork } = useNetwork();
  const plan = useLoad(
    () =>
      network ? api.get<WorkPlanActivity[]>(`/networks/${network}/work-plan`) : Promise.resolve(undefined),
    [network],
  );
  const me = session.user!;
  const canEdit = me.presidency || me.roles.some((r) => r === 'admin' || r === 'secretariat');
  const [error, setError] = useState<unknown>(null);
  const setStatus = (a: WorkPlanActivity, status: WorkPlanStatus) =>
    api
      .patch<WorkPlanActivity>(`/work-plan/${a.id}`, { status })
      .then((u) => plan.set((list) => list?.map((x) => (x.id === u.id ? u : x))), setError);
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('workPlan.title')}</h1>
      <NetworkPicker networks={networks} value={network} onChange={setNetwork} />
      {plan.error ? <ErrorNote error={plan.error} onRetry={plan.reload} /> : null}
      {error ? <ErrorNote error={error} /> : null}
      {!plan.data && !plan.error && <Loading />}
      {plan.data?.length === 0 && <p>{t('workPlan.empty')}</p>}
      {plan.data && plan.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('workPlan.activity')}</th>
                <th scope="col">{t('workPlan.responsible')}</th>
                <th scope="col">{t('workPlan.target')}</th>
                <th scope="col">{t('workPlan.status')}</th>
                <th scope="col">{t('workPlan.progress')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.data.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {a.title}
                    {a.objective && <small className="muted block">{a.objective}</small>}
                  </th>
                  <td>{a.responsibleCountries.join(', ')}</td>
                  <td>{f.date(a.targetDate)}</td>
                  <td>
                    {canEdit ? (
                      <select
                        aria-label={`${t('workPlan.status')}: ${a.title}`}
                        value={a.status}
                        onChange={(e) => void setStatus(a, e.target.value as WorkPlanStatus)}
                      >
                        {STATUSES.map((s) => (
                          <option key={s} value={s}>
                            {t(`workPlanStatus.${s}`)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      t(`workPlanStatus.${a.status}`)
                    )}
                  </td>
                  <td>{a.progressNote}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit && network && <AddActivity network={network} onAdded={plan.reload} />}
    </main>
  );
}

function AddActivity({ network, onAdded }: { network: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [title, setTitle] = useState('');
  const [objective, setObjective] = useState('');
  const [target, setTarget] = useState('');
  const [countries, setCountries] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/networks/${network}/work-plan`, {
        title,
        ...(objective ? { objective } : {}),
        responsibleCountries: countries,
        targetDate: target,
      });
      setTitle('');
      setObjective('');
      setCountries([]);
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card" aria-labelledby="wp-add">
      <h2 id="wp-add">{t('workPlan.add')}</h2>
      <form onSubmit={submit}>
        <Field label={t('workPlan.activity')}>
          {(id) => (
            <input
              id={id}
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('workPlan.objective')}>
          {(id) => (
            <textarea id={id} rows={2} value={objective} onChange={(e) => setObjective(e.target.value)} />
          )}
        </Field>
        <Field label={t('workPlan.target')}>
          {(id) => (
            <input id={id} type="date" required value={target} onChange={(e) => setTarget(e.target.value)} />
          )}
        </Field>
        <CountryChecks
          legend={t('workPlan.responsible')}
          countries={MEMBER_COUNTRIES}
          value={countries}
          onChange={setCountries}
          label={f.country}
        />
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" className="primary">
          {t('workPlan.add')}
        </button>
      </form>
    </section>
  );
}
