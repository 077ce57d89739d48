import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { channelsCached, loadChannels } from '../channels.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { useLive, useLiveEvent, useLoad } from '../hooks.js';
import { live } from '../realtime/live.js';

/** The user's networks and the channels they may read, with unread counts that follow live messages. */
export default function Home() {
  const { t, i18n } = useTranslation();
  useLive();
  const lists = useLoad(channelsCached, []);
  const refresh = () =>
    void loadChannels().then(
      (data) => lists.set(() => data),
      () => undefined,
    );
  useLiveEvent('channel.created', refresh);
  useLiveEvent('access.updated', refresh);
  useLiveEvent('reconnected', refresh);

  return (
    <main id="main" tabIndex={-1}>
      <h1>{t('home.title')}</h1>
      {lists.error ? <ErrorNote error={lists.error} onRetry={lists.reload} /> : null}
      {!lists.data && !lists.error && <Loading />}
      {lists.data?.length === 0 && <p>{t('home.noNetworks')}</p>}
      <div className="grid-2">
        {lists.data?.map(({ network, channels }) => {
          const name = i18n.language === 'es' ? network.name.es : network.name.en;
          return (
            <section key={network.slug} className="card" aria-labelledby={`net-${network.slug}`}>
              <h2 id={`net-${network.slug}`}>{name}</h2>
              <p className="muted">{t(`home.role_${network.role}`)}</p>
              <ul className="channels" aria-label={t('home.channels', { network: name })}>
                {channels.map((c) => {
                  const unread = live.unread(c.id);
                  return (
                    <li key={c.id}>
                      <Link to={`/channels/${c.id}`}>
                        <span>#{c.name}</span>
                        {unread > 0 && (
                          <span className="count" data-testid={`unread-${c.name}`}>
                            {unread}
                            <span className="sr-only"> {t('home.unread', { count: unread })}</span>
                          </span>
                        )}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
    </main>
  );
}
