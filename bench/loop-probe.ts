/**
 * A diagnostic preloaded into each server process by the messages benchmark (`node --import <this> main.js`, only
 * when `BENCH_PROBE_DIR` is set): it records, with wall-clock times, every event-loop stall of the process (a 10 ms
 * timer that fired more than 25 ms late) and every garbage collection pause over 5 ms, and writes them as JSON to
 * `BENCH_PROBE_DIR/probe-<pid>.json` when the process exits. The benchmark aligns them with its latency timeline.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const dir = process.env.BENCH_PROBE_DIR;
if (dir) {
  const stalls: Array<{ at: number; ms: number }> = [];
  const gcs: Array<{ at: number; ms: number; kind: string }> = [];
  const TICK = 10;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK;
    if (late > 25) stalls.push({ at: Date.now(), ms: Math.round(late) });
    last = now;
  }, TICK).unref();
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < 5) continue;
      const kind = kinds[(e as unknown as { detail?: { kind: number } }).detail?.kind ?? -1] ?? 'gc';
      gcs.push({ at: Math.round(performance.timeOrigin + e.startTime), ms: Math.round(e.duration), kind });
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    try {
      writeFileSync(
        join(dir, `probe-${process.pid}.json`),
        JSON.stringify({ pid: process.pid, stalls, gcs }),
      );
    } catch {
      /* diagnostics only */
    }
  });
}
