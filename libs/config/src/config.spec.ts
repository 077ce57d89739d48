import { ConfigError, loadConfig } from './config.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = { JWT_SECRET: 'x'.repeat(40) };

describe('loadConfig', () => {
  it('applies the defaults of API.md and picks the embedded profile without DATABASE_URL', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      role: 'all',
      publicUrl: 'http://localhost:3000',
      mailFrom: 'Enlace <no-reply@localhost>',
      allowedOrigins: ['http://localhost:3000'],
      profile: 'embedded',
      queueBackend: 'postgres',
    });
    expect(c.accessTokenTtlSeconds).toBeLessThanOrEqual(900);
    expect(c.missedMessageDelayMs).toBe(120_000);
    expect(loadConfig({ ...base, MISSED_MESSAGE_DELAY: 'PT1M30S' }).missedMessageDelayMs).toBe(90_000);
    expect(c.attachmentMaxBytes).toBe(26_214_400);
    expect(loadConfig({ ...base, ATTACHMENT_MAX_BYTES: '1048576' }).attachmentMaxBytes).toBe(1_048_576);
  });

  it('reads MFA_REQUIRED (default none)', () => {
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).mfaRequired).toBe('none');
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32), MFA_REQUIRED: 'officers' }).mfaRequired).toBe('officers');
  });

  it('picks the services profile and Redis queues from the URLs', () => {
    const c = loadConfig({ ...base, DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(c.profile).toBe('services');
    expect(c.queueBackend).toBe('redis');
  });

  it('reads MESSAGE_RATE_LIMIT as a burst refilled over a period (default 120 per 2 s)', () => {
    expect(loadConfig(base).messageRate).toEqual({ burst: 120, perSecond: 60 });
    expect(loadConfig({ ...base, MESSAGE_RATE_LIMIT: '5/60s' }).messageRate).toEqual({
      burst: 5,
      perSecond: 5 / 60,
    });
  });

  it('derives ALLOWED_ORIGINS from PUBLIC_URL and parses a list', () => {
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://enlace.example.org/app/' }).allowedOrigins).toEqual([
      'https://enlace.example.org',
    ]);
    expect(loadConfig({ ...base, ALLOWED_ORIGINS: 'https://a.org, https://b.org' }).allowedOrigins).toEqual([
      'https://a.org',
      'https://b.org',
    ]);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT /],
    [{ HOST: '', PORT: '-1' }, /^Invalid configuration: PORT /],
    [{ DATABASE_URL: 'nonsense' }, /^Invalid configuration: DATABASE_URL must be a URL/],
    [{ DATABASE_URL: 'mysql://h/db' }, /^Invalid configuration: DATABASE_URL /],
    [{ REDIS_URL: 'localhost:6379' }, /^Invalid configuration: REDIS_URL /],
    [{ ROLE: 'api,worker' }, /^Invalid configuration: ROLE must be one of all, api, worker/],
    [{ ADMIN_EMAIL: 'nope', ADMIN_PASSWORD: 'long-enough-password' }, /^Invalid configuration: ADMIN_EMAIL /],
    [{ ADMIN_EMAIL: 'a@b.org', ADMIN_PASSWORD: 'short' }, /^Invalid configuration: ADMIN_PASSWORD /],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [{ MFA_REQUIRED: 'yes' }, /^Invalid configuration: MFA_REQUIRED must be one of none, officers, all$/],
    [
      { MISSED_MESSAGE_DELAY: '2 minutes' },
      /^Invalid configuration: MISSED_MESSAGE_DELAY must be an ISO 8601/,
    ],
    [{ MISSED_MESSAGE_DELAY: 'PT0S' }, /^Invalid configuration: MISSED_MESSAGE_DELAY /],
    [
      { ATTACHMENT_MAX_BYTES: '25MB' },
      /^Invalid configuration: ATTACHMENT_MAX_BYTES must be a whole number of bytes/,
    ],
    [{ ATTACHMENT_MAX_BYTES: '10' }, /^Invalid configuration: ATTACHMENT_MAX_BYTES /],
    [{ ALLOWED_ORIGINS: 'https://a.org/path' }, /^Invalid configuration: ALLOWED_ORIGINS /],
    [
      { MESSAGE_RATE_LIMIT: '60 per second' },
      /^Invalid configuration: MESSAGE_RATE_LIMIT must be <messages>/,
    ],
    [{ MESSAGE_RATE_LIMIT: '0/1s' }, /^Invalid configuration: MESSAGE_RATE_LIMIT /],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    try {
      loadConfig({ ...base, ...env });
    } catch (error: any) {
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
    }
  });

  it('reads TRUST_PROXY: unset → the peer address; a hop count; a list of proxy addresses and ranges', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.2, 10.1.0.0/16,::1,loopback' }).trustProxy).toEqual([
      '10.0.0.2',
      '10.1.0.0/16',
      '::1',
      'loopback',
    ]);
    for (const bad of ['true', 'yes', '10.0.0.300', '10.0.0.0/40', '1.5', '-1', 'proxy.example.org', ',']) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: bad })).toThrow(
        'Invalid configuration: TRUST_PROXY must be a hop count such as 1, or a comma-separated list of proxy addresses such as 10.0.0.2,10.1.0.0/16',
      );
    }
  });

  it('generates the JWT secret once and keeps it in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enlace-cfg-'));
    const a = loadConfig({ DATA_DIR: dir }).jwtSecret;
    const b = loadConfig({ DATA_DIR: dir }).jwtSecret;
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(a);
  });

  it('reads RETENTION_*: unset keeps everything; a bad value stops the start with one line naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enlace-cfg-'));
    expect(loadConfig({ DATA_DIR: dir }).retention).toEqual({ messages: {}, cases: {}, audit: undefined });
    expect(
      loadConfig({
        DATA_DIR: dir,
        RETENTION_MESSAGES: 'smuggling-trafficking:P3Y,consular-protection:P2Y',
        RETENTION_CASES: 'P5Y',
        RETENTION_AUDIT: 'P7Y',
      }).retention,
    ).toEqual({
      messages: { 'smuggling-trafficking': 'P3Y', 'consular-protection': 'P2Y' },
      cases: { 'smuggling-trafficking': 'P5Y', 'consular-protection': 'P5Y' },
      audit: 'P7Y',
    });
    expect(() => loadConfig({ DATA_DIR: dir, RETENTION_CASES: 'five years' })).toThrow(
      /^Invalid configuration: RETENTION_CASES must be an ISO 8601 duration/,
    );
    expect(() => loadConfig({ DATA_DIR: dir, RETENTION_CASES: 'P5Y', RETENTION_AUDIT: 'P1Y' })).toThrow(
      /^Invalid configuration: RETENTION_AUDIT must be at least as long/,
    );
  });

  it('knows whether the JWT secret is the one kept in DATA_DIR (backups carry only that one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enlace-cfg-'));
    expect(loadConfig({ DATA_DIR: dir }).jwtSecretInDataDir).toBe(true);
    expect(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40) }).jwtSecretInDataDir).toBe(false);
  });
});
