import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_LOG_DIR, testLogFile } from './app.js';

export const MAIN = join(process.cwd(), 'dist', 'apps', 'api', 'src', 'main.js');
export const WORKER_MAIN = join(process.cwd(), 'dist', 'apps', 'worker', 'src', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as any).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built service (`dist/`, built by `npm test` before jest) as a child process with exactly the given
 * environment (plus PATH and HOME), its output kept and written to .test-tmp/logs for the secrets scan.
 */
export function spawnService(env: Record<string, string>, entry = MAIN, cwd?: string): ServiceProcess {
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const log = createWriteStream(testLogFile('process'));
  let out = '';
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd,
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      log.write(chunk);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      log.end();
      resolve({ code, signal });
    }),
  );
  const port = env.PORT ?? '3000';
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls /api/health until 200 (the service has no readiness event to wait on from outside); fails on exit. */
export async function waitHealthy(p: ServiceProcess, timeoutMs = 30_000): Promise<{ ms: number; body: any }> {
  const started = Date.now();
  let exited = false;
  void p.exited.then(() => (exited = true));
  while (Date.now() - started < timeoutMs) {
    if (exited) throw new Error(`service exited before it was healthy:\n${p.output()}`);
    try {
      const res = await fetch(`${p.url}/api/health`);
      if (res.status === 200) return { ms: Date.now() - started, body: await res.json() };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service not healthy after ${timeoutMs} ms:\n${p.output()}`);
}

/** Resolves when the process has written a line matching `pattern` (its start-up log). */
export function waitForOutput(p: ServiceProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${p.output()}`)),
      timeoutMs,
    );
    const check = () => {
      if (pattern.test(p.output())) {
        clearTimeout(timer);
        p.child.stdout?.off('data', check);
        p.child.stderr?.off('data', check);
        resolve();
      }
    };
    p.child.stdout?.on('data', check);
    p.child.stderr?.on('data', check);
    void p.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the process exited before ${pattern}:\n${p.output()}`));
    });
    check();
  });
}
