import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { Bilingual, NeedPriority, TrainingNeedsAggregate, TrainingNeedsEntry } from '../api/types.js';
import { useBilingual, useZoned } from '../components/training.js';
import { ErrorNote, Loading, NetworkPicker } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLoad, useNetwork } from '../hooks.js';

const PRIORITIES: NeedPriority[] = ['high', 'medium', 'low'];

/**
 * Training needs and offers (communiqué 11.1): every country's entry per network; the country's own officers edit
 * theirs; the topics many countries need, and who offers them.
 */
export default function TrainingNeeds() {
  const { t } = useTranslation();
  const f = useFormat();
  const text = useBilingual();
  const zoned = useZoned();
  const { networks, network, setNetwork } = useNetwork();
  const data = useLoad(
    () =>
      network
        ? api.get<TrainingNeedsAggregate>(`/networks/${network}/training-needs`)
        : Promise.resolve(undefined),
    [network],
  );
  const me = session.user!;
  const mine =
    !!me.country && me.memberships.some((m) => m.network === network && m.role === 'officer')
      ? me.country
      : null;
  const entries = data.data?.countries ?? [];

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('needs.title')}</h1>
      <NetworkPicker networks={networks} value={network} onChange={setNetwork} />
      <p className="muted">{t('needs.intro')}</p>
      {data.error ? <ErrorNote error={data.error} onRetry={data.reload} /> : null}
      {!data.data && !data.error && <Loading />}
      {data.data && (
        <>
          <section aria-labelledby="needs-grid">
            <h2 id="needs-grid">{t('needs.grid')}</h2>
            {entries.length === 0 ? (
              <p>{t('needs.none')}</p>
            ) : (
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t('needs.grid')}>
                <table data-testid="needs-grid">
                  <thead>
                    <tr>
                      <th scope="col">{t('needs.country')}</th>
                      <th scope="col">{t('needs.needs')}</th>
                      <th scope="col">{t('needs.offers')}</th>
                      <th scope="col">{t('needs.updated')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.map((c) => (
                      <tr key={c.country} data-country={c.country}>
                        <th scope="row">
                          {f.country(c.country)} ({c.country})
                        </th>
                        <td>
                          <ul className="plain">
                            {c.needs.map((n, i) => (
                              <li key={i}>
                                {text(n.topic)}{' '}
                                <span className={`badge p-${n.priority}`}>
                                  {t(`needs.priority.${n.priority}`)}
                                </span>
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td>
                          <ul className="plain">
                            {c.offers.map((o, i) => (
                              <li key={i}>{text(o.topic)}</li>
                            ))}
                          </ul>
                        </td>
                        <td>
                          {c.updatedAt ? <time dateTime={c.updatedAt}>{zoned(c.updatedAt)}</time> : '—'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="needs-topics">
            <h2 id="needs-topics">{t('needs.topics')}</h2>
            {data.data.topics.length === 0 ? (
              <p>{t('needs.none')}</p>
            ) : (
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t('needs.topics')}>
                <table data-testid="needs-topics">
                  <thead>
                    <tr>
                      <th scope="col">{t('needs.topic')}</th>
                      <th scope="col">{t('needs.neededBy')}</th>
                      <th scope="col">{t('needs.offeredBy')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.data.topics.map((tp, i) => (
                      <tr key={i}>
                        <th scope="row">{text(tp.topic)}</th>
                        <td>
                          {tp.neededBy
                            .map((n) => `${n.country} (${t(`needs.priority.${n.priority}`)})`)
                            .join(', ') || '—'}
                        </td>
                        <td>{tp.offeredBy.join(', ') || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
      {network && mine && data.data && (
        <EditNeeds
          key={`${network}-${mine}`}
          network={network}
          country={mine}
          entry={entries.find((e) => e.country === mine)}
          onSaved={data.reload}
        />
      )}
    </main>
  );
}

type NeedRow = { en: string; es: string; priority: NeedPriority };

/** The caller's own country's needs and offers, each topic in both languages. */
function EditNeeds({
  network,
  country,
  entry,
  onSaved,
}: {
  network: string;
  country: string;
  entry: TrainingNeedsEntry | undefined;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [needs, setNeeds] = useState<NeedRow[]>([]);
  const [offers, setOffers] = useState<Bilingual[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setNeeds(entry?.needs.map((n) => ({ ...n.topic, priority: n.priority })) ?? []);
    setOffers(entry?.offers.map((o) => ({ ...o.topic })) ?? []);
  }, [entry]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.put(`/networks/${network}/training-needs/${country}`, {
        needs: needs.map((n) => ({ topic: { en: n.en, es: n.es }, priority: n.priority })),
        offers: offers.map((o) => ({ topic: o })),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const editNeed = (i: number, patch: Partial<NeedRow>) =>
    setNeeds((l) => l.map((n, j) => (j === i ? { ...n, ...patch } : n)));
  const editOffer = (i: number, patch: Partial<Bilingual>) =>
    setOffers((l) => l.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  return (
    <section className="card" aria-labelledby="needs-edit">
      <h2 id="needs-edit">{t('needs.edit', { country: f.country(country) })}</h2>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('needs.needs')}</legend>
          {needs.map((n, i) => (
            <div className="topic-row" key={i} data-testid={`need-${i}`}>
              <label>
                {t('needs.topicEn', { n: i + 1 })}
                <input
                  lang="en"
                  required
                  value={n.en}
                  onChange={(e) => editNeed(i, { en: e.target.value })}
                />
              </label>
              <label>
                {t('needs.topicEs', { n: i + 1 })}
                <input
                  lang="es"
                  required
                  value={n.es}
                  onChange={(e) => editNeed(i, { es: e.target.value })}
                />
              </label>
              <label>
                {t('needs.priorityLabel', { n: i + 1 })}
                <select
                  value={n.priority}
                  onChange={(e) => editNeed(i, { priority: e.target.value as NeedPriority })}
                >
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {t(`needs.priority.${p}`)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="button" onClick={() => setNeeds((l) => l.filter((_, j) => j !== i))}>
                {t('needs.remove', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setNeeds((l) => [...l, { en: '', es: '', priority: 'medium' }])}
          >
            {t('needs.addNeed')}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t('needs.offers')}</legend>
          {offers.map((o, i) => (
            <div className="topic-row" key={i}>
              <label>
                {t('needs.offerEn', { n: i + 1 })}
                <input
                  lang="en"
                  required
                  value={o.en}
                  onChange={(e) => editOffer(i, { en: e.target.value })}
                />
              </label>
              <label>
                {t('needs.offerEs', { n: i + 1 })}
                <input
                  lang="es"
                  required
                  value={o.es}
                  onChange={(e) => editOffer(i, { es: e.target.value })}
                />
              </label>
              <button type="button" onClick={() => setOffers((l) => l.filter((_, j) => j !== i))}>
                {t('needs.removeOffer', { n: i + 1 })}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setOffers((l) => [...l, { en: '', es: '' }])}>
            {t('needs.addOffer')}
          </button>
        </fieldset>
        {error ? <ErrorNote error={error} /> : null}
        <p role="status">{saved ? t('needs.saved') : ''}</p>
        <button type="submit" className="primary">
          {t('app.save')}
        </button>
      </form>
    </section>
  );
}
