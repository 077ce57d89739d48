import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { Locale, Me } from '../api/types.js';
import { SessionsList } from '../components/sessions-list.js';
import { NewPasswordFields } from '../components/new-password-fields.js';
import { ErrorNote, Field } from '../components/ui.js';
import { setLocale } from '../i18n/index.js';

/** "My account": the caller's profile (name, language, time zone), password and sign-in sessions. */
export default function Account() {
  const { t } = useTranslation();
  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('myAccount.title')}</h1>
      <Profile />
      <PasswordForm />
      <SessionsList />
    </main>
  );
}

function Profile() {
  const { t } = useTranslation();
  const me = session.user!;
  const [displayName, setDisplayName] = useState(me.displayName);
  const [locale, setLocaleValue] = useState<Locale>(me.locale);
  const [timezone, setTimezone] = useState(me.timezone);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    setBusy(true);
    try {
      const updated = await api.patch<Me>('/me', { displayName, locale, timezone });
      session.updateUser({ ...session.user!, ...updated });
      setLocale(updated.locale);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="profile-h">
      <h2 id="profile-h">{t('myAccount.profile')}</h2>
      <form onSubmit={submit}>
        <Field label={t('myAccount.displayName')}>
          {(id) => (
            <input
              id={id}
              required
              maxLength={120}
              autoComplete="name"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('myAccount.language')}>
          {(id) => (
            <select id={id} value={locale} onChange={(e) => setLocaleValue(e.target.value as Locale)}>
              <option value="en" lang="en">
                English
              </option>
              <option value="es" lang="es">
                Español
              </option>
            </select>
          )}
        </Field>
        <Field label={t('myAccount.timezone')} hint={t('myAccount.timezoneHelp')}>
          {(id) => (
            <input
              id={id}
              required
              maxLength={64}
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
            />
          )}
        </Field>
        {error ? <ErrorNote error={error} /> : null}
        {saved && (
          <p role="status" className="ok">
            {t('myAccount.profileSaved')}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('app.save')}
        </button>
      </form>
    </section>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const mismatch = again !== '' && next !== again;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return;
    setError(null);
    setDone(false);
    setBusy(true);
    try {
      await api.post('/me/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="password-h">
      <h2 id="password-h">{t('myAccount.password')}</h2>
      <p className="muted">{t('myAccount.passwordNote')}</p>
      <form onSubmit={submit}>
        {/* lets password managers tie the new password to the account */}
        <input type="hidden" autoComplete="username" value={session.user?.email ?? ''} readOnly />
        <Field label={t('myAccount.currentPassword')}>
          {(id) => (
            <input
              id={id}
              type="password"
              required
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
        <NewPasswordFields next={next} again={again} onNext={setNext} onAgain={setAgain} />
        {error ? <ErrorNote error={error} /> : null}
        {done && (
          <p role="status" className="ok">
            {t('myAccount.passwordChanged')}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || mismatch}>
          {t('myAccount.changePassword')}
        </button>
      </form>
    </section>
  );
}
