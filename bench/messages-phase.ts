import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type pg from 'pg';
import { LiteClient } from './lite-client.js';
import { percentile } from './support.js';

/** One measured phase of the messages benchmark: the load, the latencies, the timeline and the CPU it cost. */

export const BUCKET_MS = 250;
const BODY = 'Informe de seguimiento: tráfico ilícito de migrantes en la ruta norte, sin novedad. '.repeat(2);

export interface Client {
  socket: LiteClient;
  channelId: string;
  sender: boolean;
}

export interface PhaseResult {
  phase: string;
  sent: number;
  persisted: number;
  errors: number;
  perSecond: number;
  deliveries: number;
  expectedDeliveries: number;
  p50: number;
  p99: number;
  max: number;
  /** Cores used during the measured window, by process group. */
  cpu: Record<string, number>;
  /** CPU core-microseconds of every server process (API or bare, PostgreSQL backends, Redis) per delivery. */
  coreUsPerDelivery: number;
  /** p99 event-loop delay of the benchmark's own client process (ms): how much of the latency is the clients'. */
  clientLoopP99: number;
  /** Worst delivery latency (ms) of the messages sent in each 250 ms of the measured window. */
  timeline: number[];
  /** Wall-clock start of the measured window (ms since the epoch), to align the server processes' probes. */
  startedAt: number;
  /** Event-loop stalls (> 25 ms) of the client process: offset in the window (ms) and length. */
  clientStalls: Array<{ at: number; ms: number }>;
  /** PostgreSQL backends of the benchmark database seen waiting on a lock or I/O: offset (ms), event, count. */
  pgWaits: Array<{ at: number; event: string; count: number }>;
}

export interface PhaseOptions {
  /** CPU seconds so far by group; groups named in `serverGroups` are the server's cost. */
  cpu: Record<string, () => number>;
  serverGroups: string[];
  warmupMs: number;
  /** Samples pg_stat_activity of this database every 100 ms during the window. */
  pg?: { client: pg.Client; database: string };
}

/** Runs one phase on connected clients: open loop at `rate` msg/s, or closed loop with `window` in flight per sender. */
export async function runPhase(
  name: string,
  clients: Client[],
  mode: { rate?: number; window?: number },
  durationMs: number,
  opts: PhaseOptions,
): Promise<PhaseResult> {
  const senders = clients.filter((c) => c.sender);
  const readersPerChannel = clients.length / new Set(clients.map((c) => c.channelId)).size;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const timeline: number[] = [];
  let measuring = false;
  let started = 0;
  let persisted = 0;
  let errors = 0;
  let sent = 0;
  let deliveries = 0;
  const onCreated = (clientMessageId: string) => {
    const t = sentAt.get(clientMessageId);
    if (t === undefined) return;
    deliveries++;
    const latency = performance.now() - t;
    latencies.push(latency);
    const bucket = Math.floor((t - started) / BUCKET_MS);
    if (!(timeline[bucket] >= latency)) timeline[bucket] = latency;
  };
  for (const c of clients) c.socket.onCreated = onCreated;
  let running = true;
  const inFlight = new Set<Promise<void>>();
  const sendOne = (c: Client): Promise<void> => {
    const id = randomUUID();
    const t = performance.now();
    const measured = measuring;
    if (measured) {
      sentAt.set(id, t);
      sent++;
    }
    return c.socket
      .emit('message.send', { channelId: c.channelId, body: BODY, clientMessageId: id })
      .then((ok) => {
        if (!measured) return;
        if (ok) persisted++;
        else errors++;
      });
  };
  const loops: Promise<void>[] = [];
  if (mode.rate) {
    const interval = 1000 / (mode.rate / senders.length);
    senders.forEach((c, i) => {
      loops.push(
        (async () => {
          let next = performance.now() + (i / senders.length) * interval;
          while (running) {
            const wait = next - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            next += interval;
            const p = sendOne(c);
            inFlight.add(p);
            void p.then(() => inFlight.delete(p));
          }
        })(),
      );
    });
  } else {
    for (const c of senders) {
      for (let w = 0; w < (mode.window ?? 1); w++) {
        loops.push(
          (async () => {
            while (running) await sendOne(c);
          })(),
        );
      }
    }
  }
  await new Promise((r) => setTimeout(r, opts.warmupMs));
  measuring = true;
  started = performance.now();
  const startedAt = Date.now();
  const cpuBefore = Object.fromEntries(Object.entries(opts.cpu).map(([k, f]) => [k, f()]));
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const clientStalls: PhaseResult['clientStalls'] = [];
  let lastTick = performance.now();
  const drift = setInterval(() => {
    const now = performance.now();
    if (now - lastTick - 10 > 25)
      clientStalls.push({ at: Math.round(now - started), ms: Math.round(now - lastTick - 10) });
    lastTick = now;
  }, 10);
  const pgWaits: PhaseResult['pgWaits'] = [];
  const sampler = opts.pg ? samplePg(opts.pg, () => Math.round(performance.now() - started), pgWaits) : null;
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  clearInterval(drift);
  await sampler?.stop();
  loop.disable();
  const elapsed = performance.now() - started;
  const used = Object.fromEntries(Object.entries(opts.cpu).map(([k, f]) => [k, f() - cpuBefore[k]]));
  running = false;
  await Promise.all(loops);
  await Promise.all(inFlight);
  // Let deliveries of the measured messages arrive (bounded).
  const expected = sent * readersPerChannel;
  const until = performance.now() + 5000;
  while (deliveries < expected && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  for (const c of clients) c.socket.onCreated = null;
  latencies.sort((a, b) => a - b);
  const serverSeconds = opts.serverGroups.reduce((sum, g) => sum + (used[g] ?? 0), 0);
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    phase: name,
    sent,
    persisted,
    errors,
    perSecond: Math.round((persisted / elapsed) * 1000),
    deliveries,
    expectedDeliveries: expected,
    p50: round1(percentile(latencies, 50)),
    p99: round1(percentile(latencies, 99)),
    max: round1(latencies[latencies.length - 1] ?? NaN),
    cpu: Object.fromEntries(
      Object.entries(used).map(([k, s]) => [k, Math.round((s / (elapsed / 1000)) * 100) / 100]),
    ),
    coreUsPerDelivery: deliveries ? round1((serverSeconds * 1e6) / deliveries) : NaN,
    clientLoopP99: round1(loop.percentile(99) / 1e6),
    timeline: Array.from(timeline, (v) => Math.round(v ?? 0)),
    startedAt,
    clientStalls,
    pgWaits,
  };
}

/** Polls pg_stat_activity for the benchmark database's backends that wait on anything but their client. */
function samplePg(
  target: { client: pg.Client; database: string },
  offset: () => number,
  into: PhaseResult['pgWaits'],
): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      const at = offset();
      const { rows } = await target.client.query(
        `SELECT wait_event_type || ':' || wait_event AS event, count(*)::int AS count
           FROM pg_stat_activity
          WHERE datname = $1 AND state <> 'idle' AND wait_event_type IS NOT NULL
            AND wait_event_type NOT IN ('Client', 'Activity') AND pid <> pg_backend_pid()
          GROUP BY 1`,
        [target.database],
      );
      for (const r of rows) into.push({ at, event: r.event, count: r.count });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

export async function connectAll(
  specs: Array<{ url: string; auth: object; channelId: string; sender: boolean }>,
): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < specs.length; i += 25) {
    const batch = specs.slice(i, i + 25);
    out.push(
      ...(await Promise.all(
        batch.map(async (s) => ({
          socket: await LiteClient.connect(s.url, s.auth),
          channelId: s.channelId,
          sender: s.sender,
        })),
      )),
    );
  }
  return out;
}
