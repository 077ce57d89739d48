/**
 * Preloaded (`--import`) into both servers of `bench:sockets`, the same for both: SIGUSR2 runs a full, compacting
 * garbage collection, so that memory is measured as what the sockets hold, not as what the connecting left to collect
 * nor as the gaps it left in V8's old space (without compaction, the same build read 14.3 to 18.5 KB per socket from
 * run to run: up to 50 MB of freed old-space pages stayed committed). After it, the heap's used and committed sizes
 * are written to `enlace-bench-heap-<pid>.json` in the temp directory, for the benchmark to read.
 * BENCH_HEAP_SNAPSHOTS=<dir>: each SIGUSR2 also writes a heap snapshot there (what each socket holds, by kind);
 * BENCH_HEAP_STATS=1: it prints each V8 heap space's used and committed size.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let taken = 0;
const mb = (n: number) => Math.round(n / 2 ** 20);

/** Where a server's heap sizes after its last collection are (sockets.bench.ts reads it; nothing imported here). */
const heapFile = (pid: number) => join(tmpdir(), `enlace-bench-heap-${pid}.json`);

process.on('SIGUSR2', () => {
  setFlagsFromString('--compact-on-every-full-gc');
  gc();
  setFlagsFromString('--no-compact-on-every-full-gc');
  const heap = getHeapStatistics();
  writeFileSync(
    heapFile(process.pid),
    JSON.stringify({ used: heap.used_heap_size, committed: heap.total_heap_size }),
  );
  const dir = process.env.BENCH_HEAP_SNAPSHOTS;
  if (dir) writeHeapSnapshot(join(dir, `${process.pid}-${++taken}.heapsnapshot`));
  if (process.env.BENCH_HEAP_STATS) {
    const spaces = getHeapSpaceStatistics()
      .filter((s) => s.space_size > 0)
      .map((s) => `${s.space_name} ${mb(s.space_used_size)}/${mb(s.space_size)}`)
      .join(', ');
    const m = process.memoryUsage();
    process.stderr.write(
      `[heap ${process.pid}] rss ${mb(m.rss)} MB; used/committed MB: ${spaces}; external ${mb(m.external)}, array buffers ${mb(m.arrayBuffers)}\n`,
    );
  }
});
