import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, createTestDatabase, TEST_JWT_SECRET, TEST_REDIS_URL } from '../support/env.js';
import { freePort, MAIN, spawnService, waitHealthy, type ServiceProcess } from '../support/process.js';

/** Starts one API process of a deployment (the built service) on the given database, with Redis. */
export async function startApiProcess(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<ServiceProcess> {
  if (!existsSync(MAIN))
    throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` (npm test does) first');
  const port = await freePort();
  const p = spawnService({
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ROLE: 'api',
    LOG_LEVEL: 'info',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-msg-')),
    ...extraEnv,
  });
  try {
    await waitHealthy(p, 60_000);
  } catch (e) {
    await p.stop('SIGKILL');
    throw e;
  }
  return p;
}

export interface Deployment {
  /** Base URLs of the two API processes. */
  a: string;
  b: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/** Two API processes (the built service) on a fresh database and the test Redis: one deployment. */
export async function startDeployment(extraEnv: Record<string, string> = {}): Promise<Deployment> {
  const db = await createTestDatabase();
  const started: ServiceProcess[] = [];
  try {
    started.push(await startApiProcess(db.url, extraEnv));
    started.push(await startApiProcess(db.url, extraEnv));
  } catch (e) {
    await Promise.all(started.map((p) => p.stop()));
    await db.drop();
    throw e;
  }
  return {
    a: started[0].url,
    b: started[1].url,
    databaseUrl: db.url,
    close: async () => {
      await Promise.all(started.map((p) => p.stop()));
      await db.drop();
    },
  };
}
