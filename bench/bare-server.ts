/**
 * The ceiling of the messages benchmark: a bare socket.io broadcast server, no auth, no database. A client joins the
 * rooms it names in its handshake; `message.send` is broadcast to the channel's room as `message.created` and acked.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
let seq = 0;
io.on('connection', (socket) => {
  const rooms = socket.handshake.auth?.rooms;
  if (Array.isArray(rooms)) socket.join(rooms.map((r) => `channel:${r}`));
  socket.on('message.send', (payload: any, ack: (a: unknown) => void) => {
    const message = {
      id: `m${++seq}`,
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
