import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, qs } from '../api/http.js';
import { session } from '../api/session.js';
import type { TrainingEvent } from '../api/types.js';
import { ErrorNote, Loading, NetworkPicker } from '../components/ui.js';
import { localDay, mayEditTraining, StatusBadge, useBilingual, useZoned } from '../components/training.js';
import { useLiveEvent, useLoad, useNetwork } from '../hooks.js';
import { timeZone } from '../format.js';

type View = 'list' | 'month';

/** The first day of the month of `ym` (YYYY-MM) and of the next, as instants bounding the month (UTC-wide). */
function monthBounds(ym: string): { from: string; to: string } {
  const [y, m] = ym.split('-').map(Number);
  // a day of margin each side: the API bounds by instants, the month is drawn in the user's zone
  return {
    from: new Date(Date.UTC(y, m - 1, 1) - 86_400_000).toISOString(),
    to: new Date(Date.UTC(y, m, 1) + 86_400_000).toISOString(),
  };
}

function shiftMonth(ym: string, by: number): string {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Training events of the user's networks (drafts too for those who may edit them): a list and a month view,
 * filtered by network; the feed URL a calendar app subscribes to. Live: publication, changes, cancellation.
 */
export default function TrainingCalendar() {
  const { t } = useTranslation();
  const { networks, network, setNetwork } = useNetwork();
  const [view, setView] = useState<View>('list');
  const [month, setMonth] = useState(() => localDay(new Date().toISOString()).slice(0, 7));
  const events = useLoad(
    () =>
      network
        ? api.get<TrainingEvent[]>(
            `/training-events${qs({ network, ...(view === 'month' ? monthBounds(month) : {}) })}`,
          )
        : Promise.resolve(undefined),
    [network, view, month],
  );
  useLiveEvent('training.published', events.reload);
  useLiveEvent('training.updated', events.reload);
  useLiveEvent('training.cancelled', events.reload);
  useLiveEvent('reconnected', events.reload);
  const editor = mayEditTraining(session.user);

  return (
    <main id="main" tabIndex={-1}>
      <div className="title-row">
        <h1>{t('training.title')}</h1>
        {editor && (
          <Link className="button primary" to="/training/new">
            {t('training.new')}
          </Link>
        )}
      </div>
      <NetworkPicker networks={networks} value={network} onChange={setNetwork} />
      <div className="tabs" role="group" aria-label={t('training.view')}>
        {(['list', 'month'] as const).map((v) => (
          <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
            {t(`training.${v}`)}
          </button>
        ))}
      </div>
      {events.error ? <ErrorNote error={events.error} onRetry={events.reload} /> : null}
      {!events.data && !events.error && <Loading />}
      {events.data && view === 'list' && <EventList events={events.data} />}
      {events.data && view === 'month' && (
        <MonthView events={events.data} month={month} onMonth={(by) => setMonth((m) => shiftMonth(m, by))} />
      )}
      {network && <FeedUrl network={network} />}
      <p>
        <Link to={`/training/needs${network ? `?network=${network}` : ''}`}>{t('training.needsLink')}</Link>
      </p>
    </main>
  );
}

function EventList({ events }: { events: TrainingEvent[] }) {
  const { t } = useTranslation();
  const text = useBilingual();
  const zoned = useZoned();
  if (!events.length) return <p>{t('training.empty')}</p>;
  return (
    <ul className="events" data-testid="training-list">
      {events.map((e) => (
        <li key={e.id} className="card">
          <h2 className="h3">
            <Link to={`/training/${e.id}`}>{text(e.title)}</Link>
          </h2>
          <p>
            <StatusBadge event={e} /> {t(`training.kind.${e.kind}`)} ·{' '}
            <time dateTime={e.startsAt}>{zoned(e.startsAt)}</time> –{' '}
            <time dateTime={e.endsAt}>{zoned(e.endsAt)}</time>
          </p>
          <p className="muted">
            {e.location.url
              ? t('training.online')
              : `${e.location.city ?? ''}${e.location.country ? `, ${e.location.country}` : ''}`}
          </p>
        </li>
      ))}
    </ul>
  );
}

function MonthView({
  events,
  month,
  onMonth,
}: {
  events: TrainingEvent[];
  month: string;
  onMonth: (by: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const text = useBilingual();
  const locale = i18n.language === 'es' ? 'es' : 'en';
  const [y, m] = month.split('-').map(Number);
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // weeks start on Monday
  const title = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
  const weekday = (i: number) =>
    new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, 1 + i)),
    );
  const byDay = new Map<string, TrainingEvent[]>();
  for (const e of events) {
    // an event shows on every day it spans, in the user's zone
    for (let d = localDay(e.startsAt); d <= localDay(e.endsAt); d = nextDay(d)) {
      if (!d.startsWith(month)) continue;
      byDay.set(d, [...(byDay.get(d) ?? []), e]);
    }
  }
  const cells: Array<number | null> = [
    ...Array(lead).fill(null),
    ...Array.from({ length: days }, (_, i) => i + 1),
  ];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  return (
    <section aria-labelledby="month-title">
      <div className="title-row">
        <button type="button" onClick={() => onMonth(-1)}>
          {t('training.previous')}
        </button>
        <h2 id="month-title" aria-live="polite">
          {title}
        </h2>
        <button type="button" onClick={() => onMonth(1)}>
          {t('training.next')}
        </button>
      </div>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
        <table className="month" data-testid="training-month">
          <caption className="sr-only">
            {title} ({timeZone()})
          </caption>
          <thead>
            <tr>
              {Array.from({ length: 7 }, (_, i) => (
                <th scope="col" key={i}>
                  {weekday(i)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((w, i) => (
              <tr key={i}>
                {w.map((d, j) => {
                  const ymd = d ? `${month}-${String(d).padStart(2, '0')}` : '';
                  return (
                    <td key={j} className={d ? 'day' : 'day blank'}>
                      {d && <span className="day-number">{d}</span>}
                      {(byDay.get(ymd) ?? []).map((e) => (
                        <Link key={e.id} className={`chip t-${e.status}`} to={`/training/${e.id}`}>
                          {text(e.title)}
                        </Link>
                      ))}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function nextDay(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The network's feed for calendar apps (the tokenised URL) and the rotation of its token. */
function FeedUrl({ network }: { network: string }) {
  const { t } = useTranslation();
  const me = useLoad(() => api.get<{ calendarToken: string }>('/me'), []);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const url = me.data
    ? `${location.origin}/api/networks/${network}/training.ics?token=${encodeURIComponent(me.data.calendarToken)}`
    : '';
  const rotate = () => {
    if (!confirm(t('training.rotateConfirm'))) return;
    setError(null);
    api.post<{ calendarToken: string }>('/me/calendar-token').then((r) => me.set(() => r), setError);
  };
  return (
    <section className="card" aria-labelledby="feed-title">
      <h2 id="feed-title">{t('training.feed')}</h2>
      <p className="muted">{t('training.feedHint')}</p>
      {me.error ? <ErrorNote error={me.error} /> : null}
      <label htmlFor="feed-url">{t('training.feedUrl')}</label>
      <input id="feed-url" readOnly value={url} onFocus={(e) => e.target.select()} data-testid="feed-url" />
      <div className="row-actions">
        <button
          type="button"
          disabled={!url}
          onClick={() =>
            void navigator.clipboard?.writeText(url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {t('training.copy')}
        </button>
        <button type="button" onClick={rotate}>
          {t('training.rotate')}
        </button>
        <span role="status">{copied ? t('training.copied') : ''}</span>
      </div>
      {error ? <ErrorNote error={error} /> : null}
    </section>
  );
}
