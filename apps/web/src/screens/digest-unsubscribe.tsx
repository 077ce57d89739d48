import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../api/http.js';
import type { DigestSubscriptionView } from '../api/types.js';
import { Loading } from '../components/ui.js';
import { localeChosenHere, setLocale } from '../i18n/index.js';

/**
 * `/digest/unsubscribe?token=…` (the `List-Unsubscribe` link of every digest): one button unsubscribes, another
 * switches to the weekly digest. In the subscriber's language unless one was chosen in this browser. Opening the
 * page changes nothing.
 */
export default function DigestUnsubscribe() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [sub, setSub] = useState<DigestSubscriptionView | null>(null);
  const [failure, setFailure] = useState<'badToken' | 'error' | null>(token ? null : 'badToken');
  const [done, setDone] = useState<'unsubscribed' | 'weekly' | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) return;
    api.get<DigestSubscriptionView>(`/digest-subscriptions/by-token?token=${encodeURIComponent(token)}`).then(
      (s) => {
        if (!localeChosenHere()) setLocale(s.locale, false);
        setSub(s);
      },
      (e: unknown) => setFailure(e instanceof ApiError && e.status === 404 ? 'badToken' : 'error'),
    );
  }, [token]);

  const act = async (action: 'unsubscribe' | 'weekly') => {
    setBusy(true);
    try {
      setSub(await api.post<DigestSubscriptionView>(`/digest-subscriptions/${action}`, { token }));
      setDone(action === 'weekly' ? 'weekly' : 'unsubscribed');
    } catch (e) {
      setFailure(e instanceof ApiError && e.status === 404 ? 'badToken' : 'error');
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (failure)
    body = (
      <p role="alert" className="error">
        {failure === 'badToken'
          ? t(token ? 'digest.badToken' : 'digest.missingToken')
          : t('app.error', { message: '' })}
      </p>
    );
  else if (!sub) body = <Loading />;
  else if (done)
    body = (
      <p role="status" className="ok">
        {t(done === 'weekly' ? 'digest.nowWeekly' : 'digest.unsubscribed')}
      </p>
    );
  else if (sub.status === 'unsubscribed')
    body = (
      <p role="status" className="ok">
        {t('digest.alreadyUnsubscribed')}
      </p>
    );
  else
    body = (
      <>
        <p>{t('digest.unsubscribeIntro', { frequency: t(`digest.${sub.frequency}`).toLowerCase() })}</p>
        <div className="row-actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void act('unsubscribe')}>
            {t('digest.unsubscribeButton')}
          </button>
          {sub.frequency !== 'weekly' && (
            <button type="button" disabled={busy} onClick={() => void act('weekly')}>
              {t('digest.weeklyInstead')}
            </button>
          )}
        </div>
      </>
    );

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('digest.unsubscribeTitle')}</h1>
      {body}
    </main>
  );
}
