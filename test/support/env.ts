import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

/** The machine's services (started by .ci/run when down). Tests create their own database and flush their Redis db. */
export const TEST_PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const ADMIN = { email: 'admin@enlace.test', password: 'admin-password-123' };

/** A fresh database on the machine's PostgreSQL; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `enlace_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function flushTestRedis(): Promise<void> {
  const r = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  await r.flushdb();
  await r.quit();
}

/** Signs JWT claims with HS256, as the service does: for expired and forged tokens in tests. */
export function signJwt(claims: object, secret: string = TEST_JWT_SECRET): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64(claims);
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

/** The claims of a token the service issued, re-signed to expire `seconds` from now (negative: already expired). */
export function tokenExpiringIn(valid: string, seconds: number): string {
  const claims = JSON.parse(Buffer.from(valid.split('.')[1], 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ ...claims, iat: now, exp: now + seconds });
}
