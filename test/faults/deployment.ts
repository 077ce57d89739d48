import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from '../messaging/cluster-support.js';
import { TEST_JWT_SECRET } from '../support/env.js';
import { type ServiceProcess, spawnService, waitForOutput, WORKER_MAIN } from '../support/process.js';

/**
 * A deployment as operators run it at scale: N API processes (ROLE=api) and M workers (ROLE=worker), the built
 * service as child processes on one PostgreSQL database and one Redis (given by its connection variables, so the
 * same helper runs on a plain Redis, Sentinel or Cluster).
 */
export interface FaultDeployment {
  apis: ServiceProcess[];
  workers: ServiceProcess[];
  /** The API URLs, in start order. */
  urls: string[];
  /** Every process still running (none exited). */
  exited(): ServiceProcess[];
  close(): Promise<void>;
}

export async function startWorkerProcess(
  databaseUrl: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const p = spawnService(
    {
      ROLE: 'worker',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'enlace-faults-worker-')),
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: '4',
      ...env,
    },
    WORKER_MAIN,
  );
  try {
    await waitForOutput(p, /Enlace worker running/, 60_000);
  } catch (e) {
    await p.stop('SIGKILL');
    throw e;
  }
  return p;
}

/** `env` carries REDIS_URL (or the Sentinel/Cluster variables) and SMTP_URL for every process. */
export async function startFaultDeployment(
  databaseUrl: string,
  env: Record<string, string>,
  size: { apis: number; workers: number } = { apis: 3, workers: 2 },
): Promise<FaultDeployment> {
  // a small pool per process: the machine's PostgreSQL is shared by every suite (and its max_connections with them)
  env = { DATABASE_POOL_SIZE: '6', ...env };
  const apis: ServiceProcess[] = [];
  const workers: ServiceProcess[] = [];
  const all = () => [...apis, ...workers];
  try {
    // the first runs the migrations; the others then start together
    apis.push(await startApiProcess(databaseUrl, env));
    const rest = await Promise.allSettled([
      ...Array.from({ length: size.apis - 1 }, () =>
        startApiProcess(databaseUrl, env).then((p) => apis.push(p)),
      ),
      ...Array.from({ length: size.workers }, () =>
        startWorkerProcess(databaseUrl, env).then((p) => workers.push(p)),
      ),
    ]);
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (e) {
    await Promise.all(all().map((p) => p.stop('SIGKILL')));
    throw e;
  }
  return {
    apis,
    workers,
    urls: apis.map((p) => p.url),
    exited: () => all().filter((p) => p.child.exitCode !== null || p.child.signalCode !== null),
    close: async () => {
      await Promise.all(all().map((p) => p.stop('SIGTERM')));
    },
  };
}
