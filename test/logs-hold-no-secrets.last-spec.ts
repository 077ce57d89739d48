import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_LOG_DIR } from './support/app.js';
import { ADMIN, TEST_JWT_SECRET } from './support/env.js';

/**
 * Runs after every other suite: the logs written by every service the tests started (in process and child
 * processes) hold no password, token, hash or secret.
 */
describe('logs of the whole test run', () => {
  const files = existsSync(TEST_LOG_DIR) ? readdirSync(TEST_LOG_DIR).map((f) => join(TEST_LOG_DIR, f)) : [];

  it('exist (the services logged to files)', () => {
    expect(files.length).toBeGreaterThan(0);
    const total = files.reduce((n, f) => n + readFileSync(f, 'utf8').length, 0);
    expect(total).toBeGreaterThan(1000);
  });

  const patterns: Array<[string, RegExp]> = [
    ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/],
    ['a refresh token', /[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/],
    ['an argon2 hash', /\$argon2id?\$/],
    ['a test password', /pw-[0-9a-f]{16}/],
    ['the admin password', new RegExp(ADMIN.password)],
    ['the JWT secret', new RegExp(TEST_JWT_SECRET)],
    ['a password field', /"password"\s*:\s*"(?!\[redacted\])/],
    ['a TOTP secret field', /"secret"\s*:\s*"(?!\[redacted\])/],
    ['an otpauth URL', /otpauth:\/\//],
    ['a recovery code', /(?<![0-9a-z-])[0-9a-z]{4}(-[0-9a-z]{4}){3}(?![0-9a-z-])/],
    ['a new or current password field', /"(?:currentPassword|newPassword)"\s*:\s*"(?!\[redacted\])/],
    ['a password reset link token', /reset-password\?token=(?!\[redacted\])[A-Za-z0-9_-]{20,}/],
    ['an authorization header', /"authorization"\s*:\s*"(?!\[redacted\])/i],
  ];

  it.each(patterns)('hold no %s', (_name, pattern) => {
    const offending = files.filter((f) => pattern.test(readFileSync(f, 'utf8')));
    expect(offending).toEqual([]);
  });
});
