import type { FaultClient } from './clients.js';

export interface SocketDropRun {
  /** Connections cut (every client's, each round). */
  drops: number;
  sent: number;
  /** Reconnections the server recovered (missed packets replayed) and those that caught up with `sync`. */
  recovered: number;
  caughtUp: number;
}

/**
 * Sends `perSecond` messages a second from `sender` for `durationMs` while every `dropEveryMs` the transport of the
 * sender and of every receiver is cut (`engine.close()`: the TCP connection goes, the client reconnects by itself).
 * Resolves once every send is acknowledged and every client is connected again.
 */
export async function runSocketDrops(o: {
  sender: FaultClient;
  receivers: FaultClient[];
  durationMs: number;
  dropEveryMs: number;
  perSecond: number;
}): Promise<SocketDropRun> {
  const everyone = [o.sender, ...o.receivers];
  const before = everyone.map((c) => ({ reconnects: c.reconnects, recovered: c.recovered }));
  const sends: Promise<unknown>[] = [];
  let drops = 0;
  const started = Date.now();
  const sendTimer = setInterval(
    () => sends.push(o.sender.send(`at 10/s ${sends.length}`)),
    Math.round(1000 / o.perSecond),
  );
  const dropTimer = setInterval(() => {
    for (const c of everyone) {
      if (c.socket.connected) {
        c.socket.io.engine.close();
        drops++;
      }
    }
  }, o.dropEveryMs);
  await new Promise<void>((resolve) => setTimeout(resolve, o.durationMs));
  clearInterval(sendTimer);
  clearInterval(dropTimer);
  await Promise.all(sends);
  await Promise.all(everyone.map((c) => c.settle()));
  const after = everyone.map((c, i) => ({
    reconnects: c.reconnects - before[i].reconnects,
    recovered: c.recovered - before[i].recovered,
  }));
  const recovered = after.reduce((n, x) => n + x.recovered, 0);
  const reconnects = after.reduce((n, x) => n + x.reconnects, 0);
  const run = { drops, sent: sends.length, recovered, caughtUp: reconnects - recovered };
  console.log(
    `faults: socket drops for ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(run)}`,
  );
  return run;
}
