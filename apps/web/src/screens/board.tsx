import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import { MEMBER_COUNTRIES, SHEET_TOPICS, type Assignment, type Board, type FollowUp } from '../api/types.js';
import { CountryChecks, ErrorNote, Field, Loading, NetworkPicker } from '../components/ui.js';
import { localInputToIso, useFormat } from '../format.js';
import { useLiveEvent, useLoad, useNetwork } from '../hooks.js';

type Row = Board['followUps'][number];

const overdue = (r: Row) => r.assignments.some((a) => a.status === 'overdue');

/** Overdue items first, then by due date. */
export function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => Number(overdue(b)) - Number(overdue(a)) || a.dueAt.localeCompare(b.dueAt));
}

/**
 * The PPT board: follow-up items × countries, each cell coloured (and labelled) by status, overdue first. Changes
 * arrive live (`followup.updated`), so a country's answer turns its cell without a reload.
 */
export default function BoardScreen() {
  const { t } = useTranslation();
  const f = useFormat();
  const { networks, network, setNetwork } = useNetwork();
  const board = useLoad(
    () => (network ? api.get<Board>(`/networks/${network}/follow-ups/board`) : Promise.resolve(undefined)),
    [network],
  );
  const [csvError, setCsvError] = useState<unknown>(null);
  useLiveEvent('followup.updated', (item: FollowUp) => {
    if (item.network !== network) return;
    board.set((b) => {
      if (!b) return b;
      const rest = b.followUps.filter((x) => x.id !== item.id);
      const followUps = item.cancelled
        ? rest
        : [
            ...rest,
            {
              id: item.id,
              title: item.title,
              dueAt: item.dueAt,
              sheet: item.sheet,
              assignments: item.assignments,
            },
          ];
      const summary = { pending: 0, acknowledged: 0, done: 0, overdue: 0 };
      for (const r of followUps) for (const a of r.assignments) summary[a.status]++;
      return { followUps, summary };
    });
  });
  useLiveEvent('reconnected', board.reload);
  const canCoordinate =
    !!session.user &&
    (session.user.presidency || session.user.roles.some((r) => r === 'admin' || r === 'secretariat'));
  const rows = sortRows(board.data?.followUps ?? []);
  const countries = MEMBER_COUNTRIES.filter((c) =>
    rows.some((r) => r.assignments.some((a) => a.country === c)),
  );

  return (
    <main id="main" tabIndex={-1}>
      <div className="title-row">
        <h1>{t('board.title')}</h1>
        {network && (
          <button
            type="button"
            onClick={() =>
              void api
                .download(`/networks/${network}/follow-ups/board?format=csv`, `follow-ups-${network}.csv`)
                .catch(setCsvError)
            }
          >
            {t('board.csv')}
          </button>
        )}
      </div>
      <NetworkPicker networks={networks} value={network} onChange={setNetwork} />
      <p className="muted">{t('board.live')}</p>
      {csvError ? <ErrorNote error={csvError} /> : null}
      {board.error ? <ErrorNote error={board.error} onRetry={board.reload} /> : null}
      {!board.data && !board.error && <Loading />}
      {board.data && (
        <>
          <p role="status">{t('board.summary', board.data.summary)}</p>
          {rows.length === 0 ? (
            <p>{t('board.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="board" data-testid="board">
                <caption className="sr-only">{t('board.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('board.item')}</th>
                    <th scope="col">{t('board.due')}</th>
                    {countries.map((c) => (
                      <th scope="col" key={c}>
                        <abbr title={f.country(c)}>{c}</abbr>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id} data-testid={`row-${r.id}`}>
                      <th scope="row">
                        <Link to={`/follow-ups/${r.id}`}>{r.title}</Link>
                      </th>
                      <td>
                        <time dateTime={r.dueAt}>{f.dateTime(r.dueAt)}</time>
                      </td>
                      {countries.map((c) => (
                        <Cell key={c} assignment={r.assignments.find((a) => a.country === c)} country={c} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {canCoordinate && network && <CreateFollowUp network={network} onCreated={board.reload} />}
    </main>
  );
}

function Cell({ assignment, country }: { assignment: Assignment | undefined; country: string }) {
  const { t } = useTranslation();
  if (!assignment) return <td className="cell none">{t('board.notAssigned')}</td>;
  return (
    <td className={`cell s-${assignment.status}`} data-country={country} data-status={assignment.status}>
      {t(`status.${assignment.status}`)}
    </td>
  );
}

function CreateFollowUp({ network, onCreated }: { network: string; onCreated: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [due, setDue] = useState('');
  const [all, setAll] = useState(false);
  const [countries, setCountries] = useState<string[]>([]);
  const [sheet, setSheet] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post<FollowUp>(`/networks/${network}/follow-ups`, {
        title,
        ...(description ? { description } : {}),
        dueAt: localInputToIso(due),
        countries: all ? 'members' : countries,
        ...(sheet ? { sheet: { topic: sheet } } : {}),
      });
      setTitle('');
      setDescription('');
      setCountries([]);
      setSheet('');
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="new-fu" className="card">
      <h2 id="new-fu">{t('board.create')}</h2>
      <form onSubmit={submit}>
        <Field label={t('board.itemTitle')}>
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
        <Field label={t('board.description')}>
          {(id) => (
            <textarea id={id} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        <Field label={t('board.dueAt')}>
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
        <label>
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />{' '}
          {t('board.allMembers')}
        </label>
        {!all && (
          <CountryChecks
            legend={t('board.countries')}
            countries={MEMBER_COUNTRIES}
            value={countries}
            onChange={setCountries}
            label={f.country}
          />
        )}
        <Field label={t('sheets.followUpSheet')} hint={t('sheets.followUpSheetHint')}>
          {(id) => (
            <select id={id} value={sheet} onChange={(e) => setSheet(e.target.value)}>
              <option value="">{t('sheets.followUpSheetNone')}</option>
              {SHEET_TOPICS.map((tp) => (
                <option key={tp} value={tp}>
                  {t(`sheets.topics.${tp}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" className="primary">
          {t('board.submit')}
        </button>
      </form>
    </section>
  );
}
