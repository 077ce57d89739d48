import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { signInWithPasskey } from '../api/passkeys.js';
import { session, type TokenPair } from '../api/session.js';
import { Field } from '../components/ui.js';

type LoginAnswer = TokenPair | { mfaRequired: true; mfaToken: string; methods?: string[] };

/** Sign in (with a second factor when the account has one); afterwards back to the page that asked for it. */
export default function SignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [methods, setMethods] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(mfaToken ? '/api/auth/mfa' : '/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mfaToken ? { mfaToken, code } : { email, password }),
      });
      const body = (await res.json().catch(() => ({}))) as LoginAnswer & {
        error?: { code: string; message: string };
      };
      if (!res.ok) {
        setError(
          body.error?.code === 'ACCOUNT_DISABLED'
            ? t('myAccount.disabledSignIn')
            : res.status === 401 && !mfaToken
              ? t('signIn.failed')
              : (body.error?.message ?? res.statusText),
        );
        return;
      }
      if ('mfaRequired' in body) {
        setMfaToken(body.mfaToken);
        setMethods(body.methods ?? ['totp', 'recovery-code']);
        return;
      }
      session.accept(body);
      navigate(target, { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const passkey = async () => {
    setBusy(true);
    setError(null);
    try {
      session.accept(await signInWithPasskey());
      navigate(target, { replace: true });
    } catch (err) {
      const e = err as Error;
      setError(
        e.name === 'NotAllowedError'
          ? t('signIn.passkeyCancelled')
          : t('signIn.passkeyFailed', { message: e.message }),
      );
    } finally {
      setBusy(false);
    }
  };
  const codeStep = !!mfaToken && methods.some((m) => m === 'totp' || m === 'recovery-code');

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('signIn.title')}</h1>
      {params.get('expired') && (
        <p role="status" className="note">
          {t('signIn.expired')}
        </p>
      )}
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        {!mfaToken ? (
          <>
            <Field label={t('signIn.email')}>
              {(id) => (
                <input
                  id={id}
                  type="email"
                  autoComplete="username"
                  required
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              )}
            </Field>
            <Field label={t('signIn.password')}>
              {(id) => (
                <input
                  id={id}
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>
          </>
        ) : codeStep ? (
          <Field label={t('signIn.code')} hint={t('signIn.codeHint')}>
            {(id) => (
              <input
                id={id}
                autoComplete="one-time-code"
                autoCapitalize="off"
                spellCheck={false}
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
        ) : (
          <p className="note">{t('signIn.usePasskey')}</p>
        )}
        {error && (
          <p id="sign-in-error" role="alert" className="error">
            {error}
          </p>
        )}
        {(!mfaToken || codeStep) && (
          <button type="submit" className="primary" disabled={busy}>
            {mfaToken ? t('signIn.verify') : t('signIn.submit')}
          </button>
        )}
      </form>
      {(!mfaToken || methods.includes('passkey')) && typeof window.PublicKeyCredential === 'function' && (
        <p className="passkey-sign-in">
          {!mfaToken && <span>{t('signIn.orPasskey')} </span>}
          <button type="button" onClick={() => void passkey()} disabled={busy}>
            {t('signIn.passkey')}
          </button>
        </p>
      )}
      {!mfaToken && (
        <p>
          <Link to="/forgot-password">{t('myAccount.forgotLink')}</Link>
        </p>
      )}
    </main>
  );
}
