import { useTranslation } from 'react-i18next';
import { Field } from './ui.js';

/**
 * The new password, typed twice, as both the password change (My account) and the reset page ask for it: at least
 * 12 characters, and a note when the two differ. The caller keeps the values and refuses to submit while they differ.
 */
export function NewPasswordFields({
  next,
  again,
  onNext,
  onAgain,
}: {
  next: string;
  again: string;
  onNext: (value: string) => void;
  onAgain: (value: string) => void;
}) {
  const { t } = useTranslation();
  const mismatch = again !== '' && next !== again;
  return (
    <>
      <Field label={t('myAccount.newPassword')}>
        {(id) => (
          <input
            id={id}
            type="password"
            required
            minLength={12}
            maxLength={1024}
            autoComplete="new-password"
            value={next}
            onChange={(e) => onNext(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('myAccount.repeatPassword')}>
        {(id) => (
          <input
            id={id}
            type="password"
            required
            minLength={12}
            maxLength={1024}
            autoComplete="new-password"
            aria-invalid={mismatch}
            value={again}
            onChange={(e) => onAgain(e.target.value)}
          />
        )}
      </Field>
      {mismatch && (
        <p role="alert" className="error">
          {t('myAccount.mismatch')}
        </p>
      )}
    </>
  );
}
