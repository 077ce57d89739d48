/**
 * The ceiling of the messages benchmark: a bare socket.io broadcast server, no auth, no database. A client joins the
 * rooms it names in its handshake; `message.send` is broadcast to the channel's room as `message.created` and acked.
 * With `BARE_REDIS_URL` it uses the Redis streams adapter with the options Enlace's API processes use, so several
 * bare processes make the same topology as several API processes (the fair two-process ceiling).
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const redisUrl = process.env.BARE_REDIS_URL;
const adapter = redisUrl
  ? createAdapter(
      new Redis(redisUrl, {
        maxRetriesPerRequest: null,
        enableAutoPipelining: true,
        autoPipeliningIgnoredCommands: ['xread', 'subscribe', 'ssubscribe', 'psubscribe'],
      }),
      { streamName: 'bare', blockTimeInMs: 1000, readCount: 32, maxLen: 20_000, onlyPlaintext: true },
    )
  : undefined;
const http = createServer();
const io = new Server(http, {
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 20_000,
  pingTimeout: 20_000,
  // as Enlace: a dropped connection may come back with its missed packets for two minutes
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  ...(adapter ? { adapter } : {}),
});
let seq = 0;
const tag = process.pid.toString(36);
io.on('connection', (socket) => {
  const rooms = socket.handshake.auth?.rooms;
  if (Array.isArray(rooms)) socket.join(rooms.map((r) => `channel:${r}`));
  socket.on('message.send', (payload: any, ack: (a: unknown) => void) => {
    const message = {
      id: `${tag}-${++seq}`,
      channelId: payload.channelId,
      caseId: null,
      seq,
      author: { id: 'bench', displayName: 'Bench', country: 'GT' },
      body: payload.body,
      priority: 'normal',
      requestAck: false,
      clientMessageId: payload.clientMessageId,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deleted: false,
    };
    io.to(`channel:${payload.channelId}`).emit('message.created', message);
    ack({ ok: true, data: message });
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => {
  void io.close().then(() => process.exit(0));
});
