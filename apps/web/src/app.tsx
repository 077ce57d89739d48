import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api } from './api/http.js';
import { session } from './api/session.js';
import type { Locale, Me } from './api/types.js';
import { Loading } from './components/ui.js';
import { useEnrolmentRequired, useLive, useSession } from './hooks.js';
import { setLocale } from './i18n/index.js';
import { live } from './realtime/live.js';
import { publicRoutes, routes, SECURITY_PATH } from './routes.js';
import SignIn from './screens/sign-in.js';

/** Where to come back after signing in: the page the user was on. */
function signInPath(location: { pathname: string; search: string }, expired: boolean): string {
  const params = new URLSearchParams();
  if (expired) params.set('expired', '1');
  const next = location.pathname + location.search;
  if (next && next !== '/' && !next.startsWith('/sign-in')) params.set('next', next);
  const q = params.toString();
  return q ? `/sign-in?${q}` : '/sign-in';
}

export function App() {
  const user = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [restoring, setRestoring] = useState(() => !session.user && session.hasRefreshToken);

  // a reload keeps the page: the refresh token of this tab brings the session back
  useEffect(() => {
    if (!restoring) return;
    void session.refresh().finally(() => setRestoring(false));
  }, [restoring]);

  // a session that ends without the user asking: the live connection closes; below, the user is sent to sign in
  // and comes back to this page afterwards
  useEffect(() => {
    session.onExpired = () => live.stop();
  }, []);

  const enrolmentRequired = useEnrolmentRequired() && !!user;
  useEffect(() => {
    if (!user || enrolmentRequired) return;
    live.start();
  }, [user, enrolmentRequired]);

  // MFA_REQUIRED: an account without a second factor is taken to the security screen to set one up
  useEffect(() => {
    if (enrolmentRequired && location.pathname !== SECURITY_PATH) navigate(SECURITY_PATH, { replace: true });
  }, [enrolmentRequired, location.pathname, navigate]);

  // the links of digest emails open without a session (and whatever session there is)
  const open = publicRoutes.find((r) => r.path === location.pathname);
  if (open)
    return (
      <Shell user={user}>
        <Suspense fallback={<Loading />}>
          <open.screen />
        </Suspense>
      </Shell>
    );
  if (restoring) return <Loading />;
  if (!user) {
    if (location.pathname !== '/sign-in') {
      navigateLater(navigate, signInPath(location, session.expired));
      return <Loading />;
    }
    return (
      <Shell user={null}>
        <SignIn />
      </Shell>
    );
  }
  return (
    <Shell user={user}>
      <Suspense fallback={<Loading />}>
        <Routes>
          {routes.map((r) => (
            <Route key={r.path} path={r.path} element={<r.screen />} />
          ))}
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}

function navigateLater(navigate: (to: string, o: { replace: boolean }) => void, to: string) {
  queueMicrotask(() => navigate(to, { replace: true }));
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1}>
      <p role="alert">{t('app.notFound')}</p>
    </main>
  );
}

function Shell({ user, children }: { user: Me | null; children: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  useLive();
  const navigate = useNavigate();
  const changeLanguage = (locale: Locale) => {
    setLocale(locale);
    if (session.user && session.user.locale !== locale) {
      void api.patch<Me>('/me', { locale }).then(
        (me) => session.updateUser({ ...session.user!, ...me }),
        () => undefined,
      );
    }
  };
  // signed in, the account's language (saved with PATCH /api/me, so every device follows it); before sign-in, the
  // one chosen in this browser
  const userId = user?.id;
  const userLocale = user?.locale;
  useEffect(() => {
    if (userLocale) setLocale(userLocale, false);
  }, [userId, userLocale]);

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          {t('app.name')} <small>{t('app.tagline')}</small>
        </Link>
        <div className="top-tools">
          <label className="lang">
            <span>{t('app.language')}</span>
            <select value={i18n.language} onChange={(e) => changeLanguage(e.target.value as Locale)}>
              <option value="en" lang="en">
                English
              </option>
              <option value="es" lang="es">
                Español
              </option>
            </select>
          </label>
          {user && (
            <>
              <span className="muted who">{t('app.signedInAs', { name: user.displayName })}</span>
              <button
                type="button"
                onClick={() => {
                  live.stop();
                  void session.signOut().then(() => navigate('/sign-in'));
                }}
              >
                {t('app.signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      {user && <ConnectionBanner />}
      {user && (
        <nav aria-label={t('app.menu')} className="menu">
          <ul>
            {routes
              .filter((r) => r.nav?.shows(user))
              .map((r) => (
                <li key={r.path}>
                  <NavLink
                    to={r.path}
                    // a menu entry whose path holds another entry's (/admin, /admin/retention) marks only its own
                    end={r.path === '/' || routes.some((o) => o.nav && o.path.startsWith(`${r.path}/`))}
                  >
                    {t(r.nav!.label)}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
      )}
      {user && <Mentions />}
      {children}
    </>
  );
}

function ConnectionBanner() {
  const { t } = useTranslation();
  useLive();
  const [seenOnline, setSeenOnline] = useState(false);
  useEffect(() => {
    if (live.status === 'online') setSeenOnline(true);
  }, [live.status]);
  if (live.status === 'online' || (!seenOnline && navigator.onLine)) return null;
  return (
    <div className="banner" role="status" data-testid="offline-banner">
      {navigator.onLine ? t('app.connecting') : t('app.offline')}
    </div>
  );
}

function Mentions() {
  const { t } = useTranslation();
  useLive();
  if (!live.mentions.length) return null;
  return (
    <aside className="toasts" aria-live="polite" aria-label={t('channel.mentionsYou')}>
      {live.mentions.slice(0, 3).map((m) => (
        <div key={m.messageId} className="toast">
          <span>{t('app.mentioned', { name: m.author?.displayName ?? '' })}</span>{' '}
          <Link
            to={m.caseId ? `/cases/${m.caseId}` : `/channels/${m.channelId}`}
            onClick={() => live.dismissMention(m.messageId)}
          >
            {t('app.open')}
          </Link>{' '}
          <button type="button" onClick={() => live.dismissMention(m.messageId)}>
            {t('app.dismiss')}
          </button>
        </div>
      ))}
    </aside>
  );
}
