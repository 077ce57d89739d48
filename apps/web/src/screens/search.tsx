import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, qs } from '../api/http.js';
import type { SearchResult } from '../api/types.js';
import { ErrorNote, Field, Loading, NetworkPicker } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLoad, useNetwork } from '../hooks.js';

/** Search over the messages and cases the user may read; a result opens in place, below itself. */
export default function Search() {
  const { t } = useTranslation();
  const f = useFormat();
  const { networks, network, setNetwork } = useNetwork();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  const [open, setOpen] = useState<string | null>(null);
  const results = useLoad(
    () =>
      q && network
        ? api.get<{ results: SearchResult[] }>(`/search${qs({ q, network })}`).then((r) => r.results)
        : Promise.resolve(undefined),
    [q, network],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setOpen(null);
    setParams((p) => {
      p.set('q', draft);
      return p;
    });
  };
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('search.title')}</h1>
      <form role="search" className="filters" onSubmit={submit}>
        <NetworkPicker networks={networks} value={network} onChange={setNetwork} />
        <Field label={t('search.query')}>
          {(id) => <input id={id} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />}
        </Field>
        <button type="submit" className="primary">
          {t('search.submit')}
        </button>
      </form>
      {results.error ? <ErrorNote error={results.error} onRetry={results.reload} /> : null}
      {q && results.loading && <Loading />}
      {results.data?.length === 0 && <p role="status">{t('search.empty')}</p>}
      {results.data && results.data.length > 0 && (
        <ol className="results" data-testid="results">
          {results.data.map((r) => {
            const key = r.type === 'case' ? `c-${r.case.id}` : `m-${r.message.id}`;
            const expanded = open === key;
            return (
              <li key={key}>
                <button
                  type="button"
                  className="result"
                  aria-expanded={expanded}
                  onClick={() => setOpen(expanded ? null : key)}
                >
                  <span className="badge">{r.type === 'case' ? t('search.case') : t('search.message')}</span>{' '}
                  {r.type === 'case'
                    ? `${r.case.reference} · ${r.case.title}`
                    : `${r.message.author?.displayName ?? ''}: ${r.message.body.slice(0, 120)}`}
                </button>
                {expanded && (
                  <div className="detail">
                    {r.type === 'case' ? (
                      <>
                        <p>
                          <span className={`pill st-${r.case.status}`}>
                            {t(`caseStatus.${r.case.status}`)}
                          </span>{' '}
                          <span className={`pill h-${r.case.handling}`}>
                            {t(`handling.${r.case.handling}`)}
                          </span>{' '}
                          {r.case.countries.join(', ')}
                        </p>
                        <p className="summary">{r.case.summary}</p>
                        <Link to={`/cases/${r.case.id}`}>{t('search.openCase')}</Link>
                      </>
                    ) : (
                      <>
                        <p className="muted">
                          <time dateTime={r.message.createdAt}>{f.dateTime(r.message.createdAt)}</time>
                        </p>
                        <p className="summary">{r.message.body}</p>
                        <Link
                          to={
                            r.message.caseId
                              ? `/cases/${r.message.caseId}`
                              : `/channels/${r.message.channelId}`
                          }
                        >
                          {r.message.caseId ? t('search.openCase') : t('search.openChannel')}
                        </Link>
                      </>
                    )}
                  </div>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </main>
  );
}
