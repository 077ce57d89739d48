/**
 * What the catch-up, sockets and start benchmarks share: child processes of the built service, a socket.io client
 * that hands back the raw text of each ack (to count bytes and parse it like a client would), medians, CPU and memory
 * figures from /proc, the load average, and the table + JSON written under bench/results/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file runs from dist/bench). */
export const root = resolve(here, '..', '..');
export const benchDir = here;

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `node <entry>` (or any command with `command`) with a clean environment plus `env`. */
export function spawnProc(
  entry: string[],
  env: Record<string, string>,
  port: number,
  command: string = process.execPath,
): Proc {
  let out = '';
  const child = spawn(command, entry, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group: `npm start` does not pass SIGTERM on to the service, so the whole group is signalled
    detached: true,
  });
  const keep = (c: Buffer) => {
    out += c;
    if (out.length > 200_000) out = out.slice(-100_000);
    if (process.env.BENCH_SHOW_LOGS) process.stderr.write(c);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, url: `http://127.0.0.1:${port}`, output: () => out };
}

/** Polls `path` every `everyMs` until it answers below 500 (or `ok` says so); resolves with the ms it took. */
export async function waitHttp(
  p: Proc,
  path: string,
  ms = 120_000,
  everyMs = 100,
  ok: (status: number) => boolean = (s) => s < 500,
): Promise<number> {
  const started = performance.now();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`process exited:\n${p.output()}`);
    try {
      const r = await fetch(p.url + path);
      await r.arrayBuffer();
      if (ok(r.status)) return performance.now() - started;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`not ready after ${ms} ms:\n${p.output()}`);
}

/** Stops the process and everything it started (its process group), and waits until all of it is gone. */
export async function stopProc(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const group = (s: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-p.child.pid!, s);
      return true;
    } catch {
      return false;
    }
  };
  if (!group(0)) return;
  group(signal);
  const until = Date.now() + 30_000;
  while (group(0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  if (group(0)) group('SIGKILL');
  while (group(0)) await new Promise((r) => setTimeout(r, 50));
}

/** CPU seconds (user + system) used so far by these processes. */
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

/** Resident memory of a process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The 1-minute load average, rounded: the machine is shared, so every figure carries it. */
export const load = () => round(loadavg()[0], 2);

/** Prints a table (header + rows, padded columns) and returns its text. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Writes `<name>-<time>.json` and `<name>-latest.md` under bench/results/ and prints where. */
export function writeResults(name: string, data: object, text: string): void {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = join(dir, `${name}-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at, ...data }, null, 2) + '\n');
  writeFileSync(join(dir, `${name}-latest.md`), `Run of ${at}\n\n\`\`\`\n${text}\n\`\`\`\n`);
  process.stdout.write(`results written to ${file}\n`);
}

/**
 * A socket.io client (engine.io v4 over WebSocket only, socket.io v5) that resolves each ack with its raw text and
 * counts the bytes it received; the caller parses the text as any client would.
 */
export class RawAckClient {
  private ws!: WebSocket;
  private nextAck = 0;
  private readonly acks = new Map<number, (text: string) => void>();
  bytesReceived = 0;

  static connect(url: string, auth: object): Promise<RawAckClient> {
    const c = new RawAckClient();
    return c.open(url, auth).then(() => c);
  }

  private open(url: string, auth: object): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        perMessageDeflate: false,
        maxPayload: 256 * 1024 * 1024,
      });
      this.ws = ws;
      let connected = false;
      ws.on('error', (e) => (connected ? undefined : reject(e)));
      ws.on('close', () => {
        if (!connected) reject(new Error('closed before connect'));
      });
      ws.on('message', (data: Buffer) => {
        this.bytesReceived += data.length;
        const s = data.toString();
        const t = s.charCodeAt(0);
        if (t === 50 /* 2 ping */) return ws.send('3');
        if (t === 48 /* 0 open */) return ws.send(`40${JSON.stringify(auth)}`);
        if (t !== 52 /* 4 message */) return;
        const kind = s.charCodeAt(1);
        if (kind === 51 /* 3 ack */) {
          const bracket = s.indexOf('[');
          const id = Number(s.slice(2, bracket));
          const cb = this.acks.get(id);
          if (cb) {
            this.acks.delete(id);
            cb(s.slice(bracket));
          }
        } else if (kind === 48 /* 0 connect */) {
          connected = true;
          resolve();
        } else if (kind === 52 /* 4 connect error */) {
          reject(new Error(`connect_error ${s.slice(2)}`));
        }
      });
    });
  }

  /** Emits an event with an ack; resolves with the ack's argument list as text (`[{...}]`). */
  emitRaw(event: string, payload: unknown): Promise<string> {
    const id = this.nextAck++;
    return new Promise((resolve) => {
      this.acks.set(id, resolve);
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }
}
