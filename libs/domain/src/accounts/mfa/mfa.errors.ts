import { DomainError, NotAuthenticated, RateLimited } from '../../common/domain-error.js';

/**
 * A wrong second-factor code: 401 while signing in (`/api/auth/mfa`); 400 on the signed-in settings routes, where a
 * 401 would tell the client its session had ended.
 */
export const invalidCode = (status: 400 | 401 = 401) =>
  new DomainError('INVALID_CODE', status, {
    en: 'The code is not right, or it was already used.',
    es: 'El código no es correcto o ya se utilizó.',
  });

/** The mfaToken is unknown, expired, used, or ended by five wrong codes: sign in with the password again. */
export const mfaTokenEnded = () =>
  new NotAuthenticated(
    {
      en: 'This sign-in step has ended; sign in with your password again.',
      es: 'Este paso de inicio de sesión terminó; vuelva a iniciar sesión con su contraseña.',
    },
    'INVALID_TOKEN',
  );

export const mfaEnrolmentRequired = () =>
  new DomainError('MFA_ENROLMENT_REQUIRED', 403, {
    en: 'Set up two-factor sign-in (an authenticator app or a passkey) before you continue.',
    es: 'Configure el inicio de sesión en dos pasos (una aplicación de autenticación o una llave de acceso) antes de continuar.',
  });

export const totpNotStarted = () =>
  new DomainError('TOTP_NOT_STARTED', 409, {
    en: 'Start the authenticator set-up first.',
    es: 'Primero inicie la configuración de la aplicación de autenticación.',
  });

export const totpAlreadyOn = () =>
  new DomainError('TOTP_ALREADY_ENABLED', 409, {
    en: 'Two-factor sign-in with an authenticator app is already on; turn it off first.',
    es: 'El inicio de sesión en dos pasos con una aplicación de autenticación ya está activo; desactívelo primero.',
  });

export const twoFactorOff = () =>
  new DomainError('TWO_FACTOR_NOT_ENABLED', 409, {
    en: 'Two-factor sign-in with an authenticator app is not on.',
    es: 'El inicio de sesión en dos pasos con una aplicación de autenticación no está activo.',
  });

export const passkeyRejected = () =>
  new DomainError('PASSKEY_REJECTED', 401, {
    en: 'The passkey could not be verified. Try again.',
    es: 'No se pudo verificar la llave de acceso. Inténtelo de nuevo.',
  });

export const passkeyRegistrationRejected = () =>
  new DomainError('PASSKEY_REJECTED', 400, {
    en: 'The passkey could not be registered. Ask for new options and try again.',
    es: 'No se pudo registrar la llave de acceso. Solicite nuevas opciones e inténtelo de nuevo.',
  });

export const tooManySecondFactorFailures = (retryAfterSeconds: number) =>
  new RateLimited(retryAfterSeconds, {
    en: 'Too many wrong codes; try again later.',
    es: 'Demasiados códigos incorrectos; inténtelo más tarde.',
  });
