/**
 * A child process of `bench:sockets`: opens the idle WebSocket connections it is given (engine.io v4, socket.io v5,
 * no compression), answers pings, reports how many are connected, and closes them when told. Several of these share
 * the benchmark's sockets so that one client process's limits (file descriptors, event loop) do not bound the test.
 */
import { WebSocket } from 'ws';

interface Job {
  url: string;
  auths: object[];
  batch: number;
}

const sockets: WebSocket[] = [];
let retries = 0;

/** As a socket.io client reconnects: a refused handshake (e.g. the shared database briefly out of connections) is retried. */
async function openWithRetry(url: string, auth: object): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await open(url, auth);
    } catch (e) {
      if (attempt >= 5) throw e;
      retries++;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

function open(url: string, auth: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    let connected = false;
    ws.on('error', (e) => (connected ? undefined : reject(e)));
    ws.on('close', () => (connected ? undefined : reject(new Error('closed before connect'))));
    ws.on('message', (data) => {
      const s = data.toString();
      if (s === '2') return ws.send('3');
      if (s.startsWith('0')) return ws.send(`40${JSON.stringify(auth)}`);
      if (s.startsWith('40')) {
        connected = true;
        sockets.push(ws);
        resolve();
      } else if (s.startsWith('44')) reject(new Error(`connect_error ${s.slice(2)}`));
    });
  });
}

process.on('message', async (msg: { job?: Job; close?: boolean }) => {
  if (msg.close) {
    for (const ws of sockets) ws.terminate();
    process.send!({ closed: true });
    return;
  }
  const { url, auths, batch } = msg.job!;
  try {
    for (let i = 0; i < auths.length; i += batch) {
      await Promise.all(auths.slice(i, i + batch).map((a) => openWithRetry(url, a)));
      process.send!({ connected: sockets.length });
    }
    process.send!({ done: sockets.length, retries });
  } catch (e: any) {
    process.send!({ error: String(e?.message ?? e) });
  }
});
