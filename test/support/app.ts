import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ManualClock, Clock } from '#config';
import { startRuntime, type Runtime } from '../../apps/api/src/runtime.js';
import { ADMIN, createTestDatabase, flushTestRedis, TEST_JWT_SECRET, TEST_REDIS_URL } from './env.js';

export interface TestApp {
  url: string;
  runtime: Runtime;
  databaseUrl: string;
  clock: Clock;
  dataDir: string;
  /** Stops the app and drops its database. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  redis?: boolean;
  clock?: ManualClock;
  role?: 'all' | 'api' | 'worker';
  env?: Record<string, string>;
  /** Reuse a database (several processes of one deployment); otherwise a fresh one is created and dropped. */
  databaseUrl?: string;
}

/** The whole service in this jest process, on a fresh database of the machine's PostgreSQL, with an injectable clock. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  if (options.redis && !options.databaseUrl) await flushTestRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'enlace-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ROLE: options.role ?? 'all',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'debug',
    ...(options.redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock(new Date());
  const runtime = await startRuntime(config, { clock, logFile: testLogFile('app') });
  return {
    url: runtime.url ?? '',
    runtime,
    databaseUrl: db.url,
    clock,
    dataDir,
    close: async () => {
      await runtime.close();
      await db.drop();
    },
  };
}

/** Where a test's service logs go: every file under .test-tmp/logs is scanned for secrets by the last suite. */
export const TEST_LOG_DIR = join(process.cwd(), '.test-tmp', 'logs');
export function testLogFile(kind: string): string {
  return join(TEST_LOG_DIR, `${kind}-${process.pid}-${randomBytes(4).toString('hex')}.log`);
}
