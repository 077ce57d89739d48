import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, request } from '../api/http.js';
import { addPasskey, type Passkey } from '../api/passkeys.js';
import { session } from '../api/session.js';
import { ErrorNote, Field, Loading } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useEnrolmentRequired, useLoad } from '../hooks.js';
import { TotpEnrolment } from './security-totp.js';

interface Status {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
}

/**
 * Security settings: two-factor sign-in with an authenticator app (QR code, recovery codes shown once), turning it
 * off with a code, and passkeys. MFA_REQUIRED sends an account without a second factor here.
 */
export default function Security() {
  const { t } = useTranslation();
  const enrolmentRequired = useEnrolmentRequired();
  const loaded = useLoad(
    () => Promise.all([api.get<Status>('/me/2fa'), api.get<Passkey[]>('/me/passkeys')]),
    [],
  );
  const [error, setError] = useState<unknown>(null);
  const [offCode, setOffCode] = useState('');
  const [passkeyName, setPasskeyName] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const f = useFormat();

  if (loaded.error) return <ErrorNote error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  const [status, passkeys] = loaded.data;
  const enrolled = status.totp || passkeys.length > 0;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const turnOff = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await request('DELETE', '/me/2fa', { code: offCode });
      setOffCode('');
      setNotice(t('security.totpOff'));
      loaded.reload();
    });
  };
  const add = () =>
    run(async () => {
      try {
        await addPasskey(passkeyName);
      } catch (err) {
        if ((err as Error).name === 'NotAllowedError') throw new Error(t('security.passkeyCancelled'));
        throw err;
      }
      setPasskeyName('');
      setNotice(t('security.passkeyAdded'));
      session.enrolled();
      loaded.reload();
    });
  const remove = (p: Passkey) =>
    run(async () => {
      if (!window.confirm(t('security.removeConfirm', { name: p.name }))) return;
      await api.delete(`/me/passkeys/${p.id}`);
      setNotice(t('security.passkeyRemoved'));
      loaded.reload();
    });

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('security.title')}</h1>
      {enrolmentRequired && !enrolled && (
        <p role="alert" className="note">
          {t('security.required')}
        </p>
      )}
      {notice && (
        <p role="status" className="note">
          {notice}
        </p>
      )}
      {error ? <ErrorNote error={error} /> : null}

      <section aria-labelledby="totp-heading">
        <h2 id="totp-heading">{t('security.totpTitle')}</h2>
        {status.totp ? (
          <>
            <p>{t('security.totpOn', { count: status.recoveryCodesLeft })}</p>
            <form onSubmit={turnOff}>
              <Field label={t('security.offCode')} hint={t('security.offHint')}>
                {(id) => (
                  <input
                    id={id}
                    autoComplete="one-time-code"
                    required
                    value={offCode}
                    onChange={(e) => setOffCode(e.target.value)}
                  />
                )}
              </Field>
              <button type="submit" disabled={busy}>
                {t('security.turnOff')}
              </button>
            </form>
          </>
        ) : (
          <TotpEnrolment onEnabled={() => session.enrolled()} onDone={() => loaded.reload()} />
        )}
      </section>

      <section aria-labelledby="passkeys-heading">
        <h2 id="passkeys-heading">{t('security.passkeysTitle')}</h2>
        <p className="muted">{t('security.passkeysIntro')}</p>
        {passkeys.length === 0 ? (
          <p>{t('security.noPasskeys')}</p>
        ) : (
          <ul className="passkeys">
            {passkeys.map((p) => (
              <li key={p.id}>
                <strong>{p.name}</strong>{' '}
                <span className="muted">{t('security.addedOn', { date: f.dateTime(p.createdAt) })}</span>{' '}
                <button
                  type="button"
                  onClick={() => void remove(p)}
                  disabled={busy}
                  aria-label={t('security.removeNamed', { name: p.name })}
                >
                  {t('security.remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
        {typeof window.PublicKeyCredential === 'function' ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void add();
            }}
          >
            <Field label={t('security.passkeyName')}>
              {(id) => (
                <input
                  id={id}
                  maxLength={60}
                  value={passkeyName}
                  onChange={(e) => setPasskeyName(e.target.value)}
                />
              )}
            </Field>
            <button type="submit" disabled={busy}>
              {t('security.addPasskey')}
            </button>
          </form>
        ) : (
          <p className="muted">{t('security.noWebAuthn')}</p>
        )}
      </section>
    </main>
  );
}
