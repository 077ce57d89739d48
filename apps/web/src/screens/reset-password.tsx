import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError } from '../api/http.js';
import { session } from '../api/session.js';
import { NewPasswordFields } from '../components/new-password-fields.js';
import { ErrorNote } from '../components/ui.js';

/**
 * The token of the link, read once: the address bar then drops it (history, screenshots, shoulder readers). Kept in
 * this module, since React may run a screen's first render more than once.
 */
let taken = '';
function takeToken(): string {
  const token = new URLSearchParams(window.location.search).get('token');
  if (token) {
    taken = token;
    window.history.replaceState(window.history.state, '', window.location.pathname);
  }
  return taken;
}

/**
 * `/reset-password?token=…` from the reset email. Opening it changes nothing (link scanners use nothing up): only the
 * form posts the token with the new password. Success ends every session of the account, this tab's too.
 */
export default function ResetPassword() {
  const { t } = useTranslation();
  const [token] = useState(takeToken);
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [state, setState] = useState<'idle' | 'busy' | 'done' | 'invalid'>('idle');
  const [error, setError] = useState<unknown>(null);
  const mismatch = again !== '' && next !== again;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (next !== again) return;
    setError(null);
    setState('busy');
    try {
      await api.post('/auth/password-reset/confirm', { token, newPassword: next });
      session.clear();
      setState('done');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'INVALID_TOKEN') setState('invalid');
      else {
        setError(err);
        setState('idle');
      }
    }
  };

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('myAccount.resetTitle')}</h1>
      {!token ? (
        <p role="alert">{t('myAccount.missingToken')}</p>
      ) : state === 'done' ? (
        <p role="status" className="ok">
          {t('myAccount.resetDone')} <Link to="/sign-in">{t('signIn.title')}</Link>
        </p>
      ) : state === 'invalid' ? (
        <p role="alert" className="error">
          {t('myAccount.resetInvalid')} <Link to="/forgot-password">{t('myAccount.askAgain')}</Link>
        </p>
      ) : (
        <>
          <p>{t('myAccount.resetIntro')}</p>
          <form onSubmit={submit}>
            <NewPasswordFields next={next} again={again} onNext={setNext} onAgain={setAgain} />
            {error ? <ErrorNote error={error} /> : null}
            <button type="submit" className="primary" disabled={state === 'busy' || mismatch}>
              {t('myAccount.resetButton')}
            </button>
          </form>
        </>
      )}
    </main>
  );
}
