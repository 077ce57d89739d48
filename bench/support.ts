import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';

/** What the benchmarks share: a free loopback port and access tokens signed like the service's. */

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as any).port;
      srv.close(() => res(port));
    });
  });
}

/** An access token for a session written by the benchmark (HS256, 15 minutes, the claims the service checks). */
export function accessToken(secret: string, sub: string, sid: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({ sub, sid, typ: 'access', iat, exp: iat + 900 });
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** A throwaway database `enlace_bench_*` on the server of `serverUrl`; `drop()` removes it. */
export async function createBenchDatabase(
  serverUrl: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `enlace_bench_${randomBytes(5).toString('hex')}`;
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
