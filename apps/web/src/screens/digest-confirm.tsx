import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api } from '../api/http.js';

/**
 * `/digest/confirm?token=…` from the confirmation email. Opening it changes nothing (link scanners confirm nothing):
 * only the button posts the token. The subscriber's settings are not known before that: the browser's language.
 */
export default function DigestConfirm() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [state, setState] = useState<'idle' | 'busy' | 'done' | 'failed'>('idle');

  const confirm = async () => {
    setState('busy');
    try {
      await api.post('/digest-subscriptions/confirm', { token });
      setState('done');
    } catch {
      setState('failed');
    }
  };

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('digest.confirmTitle')}</h1>
      {!token ? (
        <p role="alert">{t('digest.missingToken')}</p>
      ) : state === 'done' ? (
        <p role="status" className="ok">
          {t('digest.confirmed')}
        </p>
      ) : (
        <>
          <p>{t('digest.confirmIntro')}</p>
          {state === 'failed' && (
            <p role="alert" className="error">
              {t('digest.confirmFailed')}
            </p>
          )}
          <button
            type="button"
            className="primary"
            disabled={state === 'busy'}
            onClick={() => void confirm()}
          >
            {t('digest.confirmButton')}
          </button>
        </>
      )}
    </main>
  );
}
