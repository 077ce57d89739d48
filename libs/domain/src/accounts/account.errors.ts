import { DomainError, ValidationFailed, type Bilingual } from '../common/domain-error.js';

/** The errors of account self-service, password reset and offboarding (API.md "Account self-service"). */

/** A correct password of a disabled account (a wrong one stays INVALID_CREDENTIALS). */
export const accountDisabled = () =>
  new DomainError('ACCOUNT_DISABLED', 401, {
    en: 'This account is disabled. Ask the Technical Secretariat if you need access again.',
    es: 'Esta cuenta está desactivada. Consulte a la Secretaría Técnica si necesita acceso de nuevo.',
  });

/** A password reset token that was used, has expired, or was altered. */
export const invalidResetToken = () =>
  new DomainError('INVALID_TOKEN', 400, {
    en: 'This password reset link is not valid: it was used already, has expired or is incomplete. Ask for a new one.',
    es: 'Este enlace para restablecer la contraseña no es válido: ya se usó, venció o está incompleto. Solicite uno nuevo.',
  });

export const wrongCurrentPassword = () =>
  new ValidationFailed(
    [
      {
        field: 'currentPassword',
        message: 'is not your current password',
        es: 'no es su contraseña actual',
      },
    ],
    { en: 'The current password is not right.', es: 'La contraseña actual no es correcta.' },
  );

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** What is wrong with a new password, or null: 12 to 1024 characters, not only spaces, not the email address. */
export function newPasswordProblem(password: unknown, email?: string): Bilingual | null {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH)
    return {
      en: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
      es: `debe tener al menos ${PASSWORD_MIN_LENGTH} caracteres`,
    };
  if (password.length > PASSWORD_MAX_LENGTH)
    return {
      en: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
      es: `debe tener como máximo ${PASSWORD_MAX_LENGTH} caracteres`,
    };
  if (!password.trim()) return { en: 'must not be only spaces', es: 'no debe contener solo espacios' };
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase())
    return {
      en: 'must not be your email address',
      es: 'no debe ser su dirección de correo electrónico',
    };
  return null;
}

export function assertNewPassword(field: string, password: unknown, email?: string): void {
  const problem = newPasswordProblem(password, email);
  if (problem) throw new ValidationFailed([{ field, message: problem.en, es: problem.es }]);
}
