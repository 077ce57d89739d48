/**
 * The baseline of `bench:sockets`: bare socket.io with the SAME server options as Enlace's gateway (path, frame limit,
 * Origin check, connection state recovery, ping interval and timeout; WebSocket clients without compression), an
 * HS256 access-token check in a handshake middleware and the same number of rooms per socket (named in the handshake).
 * No database, no Nest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const SECRET = process.env.JWT_SECRET ?? '';
const http = createServer();
const io = new Server(http, {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
  cors: { origin: ['http://localhost'], credentials: false },
  allowRequest: (req, cb) => cb(null, !req.headers.origin || req.headers.origin === 'http://localhost'),
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
  pingInterval: 20_000,
  pingTimeout: 20_000,
});

function verify(token: unknown): string | null {
  if (typeof token !== 'string') return null;
  const [head, body, sig] = token.split('.');
  const expected = createHmac('sha256', SECRET).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig ?? '', 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
  return claims.exp * 1000 > Date.now() ? String(claims.sub) : null;
}

io.use((socket, next) => {
  const userId = verify(socket.handshake.auth?.token);
  if (!userId) return next(new Error('UNAUTHORIZED'));
  socket.data = { userId };
  next();
});
io.on('connection', (socket) => {
  const rooms = socket.handshake.auth?.rooms;
  if (Array.isArray(rooms)) socket.join(rooms);
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => {
  void io.close().then(() => process.exit(0));
});
