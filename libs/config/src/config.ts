import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve, join } from 'node:path';
import { Duration } from 'luxon';
import { z } from 'zod';
import { parseRedisUrl, queuePrefix, type RedisTarget } from './redis.js';
import { parseRetention, type RetentionConfig } from './retention.js';

/** Thrown when the environment is invalid: its message is the one line printed before the process exits. */
export class ConfigError extends Error {}

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        const parsed = new URL(value);
        return protocols.includes(parsed.protocol) && parsed.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const port = z
  .string()
  .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .refine((n) => n >= 0 && n <= 65535, 'must be a whole number from 0 to 65535');

const origin = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '');
  } catch {
    return false;
  }
}, 'must be a comma-separated list of origins such as https://enlace.example.org');

/** One schema for every variable in API.md "Running". */
const schema = z.object({
  PORT: optional(port).default(3000),
  HOST: optional(z.string().min(1)).default('127.0.0.1'),
  DATA_DIR: optional(z.string().min(1)).default('./data'),
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'])),
  REDIS_URL: optional(
    z.string().superRefine((value, ctx) => {
      const parsed = parseRedisUrl(value);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
    }),
  ),
  DATABASE_POOL_SIZE: optional(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 1 to 500')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 500, 'must be a whole number from 1 to 500'),
  ).default(20),
  METRICS_PORT: optional(port),
  METRICS_HOST: optional(z.string().min(1)).default('127.0.0.1'),
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  PUBLIC_URL: optional(url(['http:', 'https:'])),
  MAIL_FROM: optional(z.string().min(3)).default('Enlace <no-reply@localhost>'),
  JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  ADMIN_EMAIL: optional(z.email('must be an email address')),
  ADMIN_PASSWORD: optional(z.string().min(12, 'must be at least 12 characters')),
  ROLE: optional(z.enum(['all', 'api', 'worker'], 'must be one of all, api, worker')).default('all'),
  ALLOWED_ORIGINS: optional(z.string()),
  TRUST_PROXY: optional(z.string()),
  MESSAGE_RATE_LIMIT: optional(
    z
      .string()
      .regex(/^[1-9]\d{0,5}\/[1-9]\d{0,5}s$/, 'must be <messages>/<seconds>s, e.g. 120/2s')
      .transform((v) => v.slice(0, -1).split('/').map(Number) as [number, number]),
  ).default([120, 2]),
  MISSED_MESSAGE_DELAY: optional(
    z.string().refine((v) => {
      const d = Duration.fromISO(v);
      return d.isValid && d.toMillis() > 0 && d.toMillis() <= 7 * 24 * 3600 * 1000;
    }, 'must be an ISO 8601 duration from PT1S to P7D, such as PT2M'),
  ).default('PT2M'),
  MFA_REQUIRED: optional(z.enum(['none', 'officers', 'all'], 'must be one of none, officers, all')).default(
    'none',
  ),
  RETENTION_MESSAGES: optional(z.string()),
  RETENTION_CASES: optional(z.string()),
  RETENTION_AUDIT: optional(z.string()),
  ATTACHMENT_MAX_BYTES: optional(
    z
      .string()
      .regex(/^\d{1,10}$/, 'must be a whole number of bytes from 1024 to 1073741824 (1 GB)')
      .transform(Number)
      .refine(
        (n) => n >= 1024 && n <= 1024 ** 3,
        'must be a whole number of bytes from 1024 to 1073741824 (1 GB)',
      ),
  ).default(26_214_400),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'must be a pino level'),
  ).default('info'),
});

export type Role = 'all' | 'api' | 'worker';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Unset: the embedded PostgreSQL server is started (the embedded default profile). */
  databaseUrl?: string;
  /** Set: BullMQ on Redis and the socket.io Redis streams adapter. */
  redisUrl?: string;
  /** REDIS_URL parsed: one server, Sentinel or Cluster (see `createRedisClient`). */
  redis?: RedisTarget;
  /** BullMQ's key prefix on Redis: `{enlace}` (hash-tagged) on a Cluster, `enlace` otherwise. */
  queuePrefix: string;
  /** Connections of this process's TypeORM pool (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** METRICS_PORT: Prometheus `GET /metrics` on METRICS_HOST; unset, no metrics endpoint. */
  metrics?: { port: number; host: string };
  smtpUrl?: string;
  publicUrl: string;
  mailFrom: string;
  jwtSecret: string;
  /** True when JWT_SECRET is unset and the secret is the one generated in DATA_DIR (backups carry it). */
  jwtSecretInDataDir: boolean;
  adminEmail?: string;
  adminPassword?: string;
  role: Role;
  allowedOrigins: string[];
  /**
   * Which peers may tell the client address through X-Forwarded-For (Express `trust proxy`): false (unset, the
   * peer's address is the client's), a hop count, or a list of proxy addresses and CIDR ranges.
   */
  trustProxy: false | number | string[];
  logLevel: string;
  /** Messages one user may post (REST and socket together): a burst of `burst`, refilled at `perSecond`. */
  messageRate: { burst: number; perSecond: number };
  /** MISSED_MESSAGE_DELAY: how long after a mention or urgent message an offline officer who has not read it is emailed. */
  missedMessageDelayMs: number;
  /**
   * MFA_REQUIRED: who must have a second factor (a confirmed TOTP or a passkey) before using anything but their
   * own account and security settings: nobody, officers (of any network), or every account.
   */
  mfaRequired: 'none' | 'officers' | 'all';
  /** RETENTION_*: what the daily purge deletes, and when (unset: nothing is purged). */
  retention: RetentionConfig;
  /** ATTACHMENT_MAX_BYTES: the largest attachment accepted (413 above). */
  attachmentMaxBytes: number;
  /** Access tokens live at most 15 minutes. */
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** The profile, decided here and nowhere else. */
  profile: 'embedded' | 'services';
  queueBackend: 'redis' | 'postgres';
}

const TRUST_PROXY_ERROR =
  'Invalid configuration: TRUST_PROXY must be a hop count such as 1, or a comma-separated list of proxy addresses such as 10.0.0.2,10.1.0.0/16';
/** Names proxy-addr knows for address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(value: string): boolean {
  if (NAMED_RANGES.has(value) || isIP(value)) return true;
  const m = /^(.+)\/(\d{1,3})$/.exec(value);
  if (!m) return false;
  const family = isIP(m[1]);
  const bits = Number(m[2]);
  return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}

/** TRUST_PROXY: unset → false; `1` or another hop count; or a list of proxy addresses (IP, CIDR, loopback…). */
export function parseTrustProxy(value: string | undefined): false | number | string[] {
  if (value === undefined) return false;
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 32) throw new ConfigError(TRUST_PROXY_ERROR);
    return hops === 0 ? false : hops;
  }
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.length || !list.every(isAddressOrRange)) throw new ConfigError(TRUST_PROXY_ERROR);
  return list;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const name = String(issue.path[0] ?? 'environment');
  return `Invalid configuration: ${name} ${issue.message}`;
}

/**
 * JWT_SECRET unset: generated once and kept in DATA_DIR. Created exclusively, so processes sharing DATA_DIR
 * (API replicas and the worker on one volume) all end up with the same secret.
 */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error: any) {
    if (error.code !== 'EEXIST')
      throw new ConfigError(`Invalid configuration: DATA_DIR cannot be written (${error.code})`);
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new ConfigError(`Invalid configuration: DATA_DIR holds a jwt-secret shorter than 32 characters`);
  return secret;
}

/** Replaces the secret kept in DATA_DIR (a restore brings back the backed-up deployment's secret). */
export function storeJwtSecret(dataDir: string, secret: string): void {
  if (secret.length < 32) throw new ConfigError('the JWT secret to store is shorter than 32 characters');
  const file = join(dataDir, 'jwt-secret');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(`${file}.new`, secret + '\n', { mode: 0o600 });
  renameSync(`${file}.new`, file);
}

/** Validates the environment; throws ConfigError with one line naming the variable. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Record<string, string> = {},
): AppConfig {
  const parsed = schema.safeParse({ ...env, ...overrides });
  if (!parsed.success) throw new ConfigError(firstIssue(parsed.error));
  const v = parsed.data;
  const publicUrl = (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/$/, '');
  const origins = (v.ALLOWED_ORIGINS ?? new URL(publicUrl).origin)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of origins) {
    if (!origin.safeParse(o).success) {
      throw new ConfigError(
        'Invalid configuration: ALLOWED_ORIGINS must be a comma-separated list of origins such as https://enlace.example.org',
      );
    }
  }
  if ((v.ADMIN_EMAIL && !v.ADMIN_PASSWORD) || (!v.ADMIN_EMAIL && v.ADMIN_PASSWORD)) {
    throw new ConfigError(
      `Invalid configuration: ${v.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'} must be set together with ${v.ADMIN_EMAIL ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'}`,
    );
  }
  const trustProxy = parseTrustProxy(v.TRUST_PROXY);
  const redis = v.REDIS_URL ? (parseRedisUrl(v.REDIS_URL) as RedisTarget) : undefined;
  const retention = parseRetention(v);
  if (typeof retention === 'string') throw new ConfigError(`Invalid configuration: ${retention}`);
  const dataDir = resolve(v.DATA_DIR);
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    redis,
    queuePrefix: redis ? queuePrefix(redis) : 'enlace',
    databasePoolSize: v.DATABASE_POOL_SIZE,
    metrics: v.METRICS_PORT !== undefined ? { port: v.METRICS_PORT, host: v.METRICS_HOST } : undefined,
    smtpUrl: v.SMTP_URL,
    publicUrl,
    mailFrom: v.MAIL_FROM,
    jwtSecret: v.JWT_SECRET ?? loadOrCreateSecret(dataDir),
    jwtSecretInDataDir: v.JWT_SECRET === undefined,
    adminEmail: v.ADMIN_EMAIL,
    adminPassword: v.ADMIN_PASSWORD,
    role: v.ROLE,
    allowedOrigins: origins.map((o) => o.replace(/\/$/, '')),
    trustProxy,
    logLevel: v.LOG_LEVEL,
    messageRate: {
      burst: v.MESSAGE_RATE_LIMIT[0],
      perSecond: v.MESSAGE_RATE_LIMIT[0] / v.MESSAGE_RATE_LIMIT[1],
    },
    missedMessageDelayMs: Duration.fromISO(v.MISSED_MESSAGE_DELAY).toMillis(),
    mfaRequired: v.MFA_REQUIRED,
    retention,
    attachmentMaxBytes: v.ATTACHMENT_MAX_BYTES,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 30 * 24 * 3600,
    profile: v.DATABASE_URL ? 'services' : 'embedded',
    queueBackend: v.REDIS_URL ? 'redis' : 'postgres',
  };
}

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
