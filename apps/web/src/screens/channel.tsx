import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { channelsCached } from '../channels.js';
import { Thread } from '../components/thread.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { useLive, useLoad } from '../hooks.js';
import { live } from '../realtime/live.js';

/** The live view of one channel, with the other channels of its network beside it. */
export default function ChannelScreen() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  useLive();
  const lists = useLoad(channelsCached, []);
  const found = lists.data?.find((l) => l.channels.some((c) => c.id === id));
  const channel = found?.channels.find((c) => c.id === id);

  if (lists.error) return <ErrorNote error={lists.error} onRetry={lists.reload} />;
  if (!lists.data) return <Loading />;
  if (!found || !channel) {
    return (
      <main id="main" tabIndex={-1}>
        <p role="alert">{t('app.notFound')}</p>
      </main>
    );
  }
  const networkName = i18n.language === 'es' ? found.network.name.es : found.network.name.en;
  return (
    <div className="with-side">
      <nav className="side" aria-label={t('home.channels', { network: networkName })}>
        <h2 className="side-title">{networkName}</h2>
        <ul className="channels">
          {found.channels.map((c) => {
            const unread = c.id === id ? 0 : live.unread(c.id);
            return (
              <li key={c.id}>
                <Link to={`/channels/${c.id}`} aria-current={c.id === id ? 'page' : undefined}>
                  <span>#{c.name}</span>
                  {unread > 0 && (
                    <span className="count">
                      {unread}
                      <span className="sr-only"> {t('home.unread', { count: unread })}</span>
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} className="channel-main">
        <h1>#{channel.name}</h1>
        <Thread key={id} channelId={id} label={channel.name} />
      </main>
    </div>
  );
}
