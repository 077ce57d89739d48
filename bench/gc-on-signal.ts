/**
 * Preloaded (`--import`) into both servers of `bench:sockets`, the same for both: SIGUSR2 runs a full garbage
 * collection, so that memory is measured as what the sockets hold, not as what the connecting left to collect. With
 * BENCH_HEAP_SNAPSHOTS=<dir>, each SIGUSR2 also writes a heap snapshot there (what each socket holds, by kind).
 */
import { writeHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let taken = 0;
process.on('SIGUSR2', () => {
  gc();
  const dir = process.env.BENCH_HEAP_SNAPSHOTS;
  if (dir) writeHeapSnapshot(join(dir, `${process.pid}-${++taken}.heapsnapshot`));
});
