import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError } from '../api/http.js';
import { ErrorNote, Field } from '../components/ui.js';

/**
 * `/forgot-password`, linked from sign-in: asks for the reset email. The answer is the same whether or not the
 * address has an account, and the page says so.
 */
export default function ForgotPassword() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await api.post('/auth/password-reset', { email });
      setSentTo(email);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? new Error(t('myAccount.tooMany')) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('myAccount.forgotTitle')}</h1>
      {sentTo ? (
        <p role="status" className="ok">
          {t('myAccount.sent', { email: sentTo })}
        </p>
      ) : (
        <>
          <p>{t('myAccount.forgotIntro')}</p>
          <form onSubmit={submit}>
            <Field label={t('myAccount.email')}>
              {(id) => (
                <input
                  id={id}
                  type="email"
                  required
                  maxLength={254}
                  autoComplete="username"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              )}
            </Field>
            {error ? <ErrorNote error={error} /> : null}
            <button type="submit" className="primary" disabled={busy}>
              {t('myAccount.send')}
            </button>
          </form>
        </>
      )}
      <p>
        <Link to="/sign-in">{t('myAccount.backToSignIn')}</Link>
      </p>
    </main>
  );
}
