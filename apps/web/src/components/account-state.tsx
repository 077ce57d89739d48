import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { AdminUser } from '../api/types.js';
import { useFormat } from '../format.js';
import { ErrorNote } from './ui.js';

const isStaff = (roles: string[]) => roles.includes('admin') || roles.includes('secretariat');

/**
 * Administration: whether an account may sign in, and the button that disables or enables it, after a confirmation
 * that says what happens. Shown only where the caller may act (never on oneself; staff accounts for admins only);
 * the API checks it again.
 */
export function AccountState({ user, onChange }: { user: AdminUser; onChange: (u: AdminUser) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const me = session.user!;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const disabled = !!user.disabledAt;
  const mayAct = user.id !== me.id && (!isStaff(user.roles) || me.roles.includes('admin'));
  const verb = disabled ? 'enable' : 'disable';

  const act = async () => {
    setBusy(true);
    setError(null);
    try {
      onChange(await api.post<AdminUser>(`/admin/users/${user.id}/${verb}`));
      setConfirming(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="account-state">
      <span className={disabled ? 'badge t-cancelled' : undefined}>
        {disabled ? t('myAccount.disabled', { when: f.dateTime(user.disabledAt!) }) : t('myAccount.active')}
      </span>{' '}
      {mayAct && !confirming && (
        <button type="button" onClick={() => setConfirming(true)}>
          {t(`myAccount.${verb}`)}
          <span className="sr-only">: {t(`myAccount.${verb}Of`, { name: user.displayName })}</span>
        </button>
      )}
      {confirming && (
        <div role="group" aria-label={t(`myAccount.${verb}Of`, { name: user.displayName })}>
          <p>
            {t(disabled ? 'myAccount.confirmEnable' : 'myAccount.confirmDisable', { name: user.displayName })}
          </p>
          <button
            type="button"
            className={disabled ? 'primary' : 'danger'}
            disabled={busy}
            onClick={() => void act()}
          >
            {t('myAccount.confirm')}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            {t('app.cancel')}
          </button>
        </div>
      )}
      {error ? <ErrorNote error={error} /> : null}
    </div>
  );
}
