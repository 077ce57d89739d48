export * from './mfa.errors.js';
export * from './mfa.repository.js';
export * from './mfa-access.policy.js';
export * from './mfa-challenges.service.js';
export * from './mfa-sign-in.service.js';
export * from './passkeys.service.js';
export * from './recovery-codes.js';
export * from './totp.service.js';
