import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, qs } from '../api/http.js';
import { session } from '../api/session.js';
import type { Board, FollowUp } from '../api/types.js';
import { Respond } from '../components/respond.js';
import { ErrorNote, Loading, NetworkPicker } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLiveEvent, useLoad, useNetwork } from '../hooks.js';
import { sortRows } from './board.js';

/** The follow-up items assigned to the officer's country, with acknowledge and done. */
export default function MyItems() {
  const { t } = useTranslation();
  const f = useFormat();
  const country = session.user?.country ?? '';
  const { networks, network, setNetwork } = useNetwork();
  const officerNetworks = networks?.filter((n) => n.role === 'officer');
  const board = useLoad(
    () =>
      network && country
        ? api.get<Board>(`/networks/${network}/follow-ups/board${qs({ country })}`)
        : Promise.resolve(undefined),
    [network, country],
  );
  useLiveEvent('followup.updated', (item: FollowUp) => item.network === network && board.reload());
  if (!country) {
    return (
      <main id="main" tabIndex={-1}>
        <p>{t('myItems.noCountry')}</p>
      </main>
    );
  }
  const rows = sortRows(board.data?.followUps ?? []);
  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('myItems.title', { country: f.country(country) })}</h1>
      <NetworkPicker networks={officerNetworks} value={network} onChange={setNetwork} />
      {board.error ? <ErrorNote error={board.error} onRetry={board.reload} /> : null}
      {!board.data && !board.error && <Loading />}
      {board.data && rows.length === 0 && <p>{t('myItems.empty')}</p>}
      <ul className="items">
        {rows.map((r) => {
          const a = r.assignments.find((x) => x.country === country);
          if (!a) return null;
          return (
            <li key={r.id} className="card" data-testid={`item-${r.id}`}>
              <h2>
                <Link to={`/follow-ups/${r.id}`}>{r.title}</Link>
              </h2>
              <p>
                {t('board.due')}: <time dateTime={r.dueAt}>{f.dateTime(r.dueAt)}</time> ·{' '}
                <span className={`pill s-${a.status}`}>{t(`status.${a.status}`)}</span>
              </p>
              {r.sheet && (
                <p className="note">
                  {t('sheets.namesSheet', { topic: t(`sheets.topics.${r.sheet.topic}`) })}{' '}
                  <Link to={`/library/${country}/${r.sheet.topic}`}>{t('sheets.openSheet')}</Link>
                </p>
              )}
              <Respond followUpId={r.id} assignment={a} onAnswered={() => board.reload()} />
            </li>
          );
        })}
      </ul>
    </main>
  );
}
