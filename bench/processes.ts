import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { freePort } from './support.js';

/** The processes a benchmark starts and measures: servers as children, CPU read from /proc, a private Redis. */

export interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `node [...nodeArgs] entry` with only the given environment (plus PATH and HOME) on `port`. */
export function spawnNode(
  entry: string,
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
): Proc {
  let out = '';
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  if (process.env.BENCH_SHOW_LOGS) {
    child.stdout!.on('data', (c) => process.stderr.write(c));
    child.stderr!.on('data', (c) => process.stderr.write(c));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
}

export async function waitHttp(p: Proc, path: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`process exited:\n${p.output()}`);
    try {
      const r = await fetch(p.url + path);
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${ms} ms:\n${p.output()}`);
}

export async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (p.child.exitCode === null) p.child.kill('SIGKILL');
}

/** CPU seconds (user + system) used so far by these processes; a process that is gone counts nothing. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

/** Pids whose command name starts with `comm` (e.g. every `redis-server`). */
export function pidsByName(comm: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith(comm);
      } catch {
        return false;
      }
    });
}

/**
 * A private redis-server for the benchmark on a free loopback port (nothing kept on disk), so its CPU is the
 * benchmark's alone; `BENCH_REDIS_URL` uses an existing server instead.
 */
export async function privateRedis(): Promise<{ url: string; pid: number | null; stop(): Promise<void> }> {
  if (process.env.BENCH_REDIS_URL)
    return { url: process.env.BENCH_REDIS_URL, pid: null, stop: async () => {} };
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
    child.once('exit', () => reject(new Error(`redis-server exited:\n${out}`)));
    child.stdout!.on('data', () => {
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
