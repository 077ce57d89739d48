import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Cluster, Redis } from 'ioredis';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { APP_CONFIG, type AppConfig, createRedisClient, type RedisTarget } from '#config';
import { Metrics } from '#metrics';
import { addAnyListener } from './any-listener.js';
import { inMemoryAdapter } from './in-memory-adapter.js';
import { jsonTextParser } from './json-text-parser.js';
import { rooms } from './rooms.js';
import { fromSocketIo } from './socket-io-modules.js';
import type { ServerEventMap } from './server-events.js';

function emitDraining(
  socket: { emit(e: string, p: unknown): unknown },
  payload: ServerEventMap['server.draining'],
) {
  socket.emit('server.draining', payload);
}

type ClusterHandler = (data: any) => void;

/** The event name, between API processes, of a cluster notice (see `RealtimeServer.cluster`). */
const CLUSTER_EVENT = 'enlace:cluster';

/**
 * engine.io writes each packet of a WebSocket as its own frame and system call, also when several packets waited for
 * the socket (a busy channel). Corking the TCP socket around one `send(packets)` lets them leave in one write. Applied
 * once, only when engine.io's WebSocket transport has the expected shape.
 */
export function coalesceWebSocketWrites(): void {
  const proto = (fromSocketIo('engine.io') as { transports?: { websocket?: { prototype: any } } }).transports
    ?.websocket?.prototype;
  if (!proto || typeof proto.send !== 'function' || proto.enlaceCoalesced) return;
  const send = proto.send as (packets: unknown[]) => void;
  proto.send = function (
    this: { socket?: { _socket?: { cork?: () => void; uncork: () => void } } },
    packets: unknown[],
  ) {
    const raw = this.socket?._socket;
    if (packets.length < 2 || typeof raw?.cork !== 'function') return send.call(this, packets);
    raw.cork();
    try {
      return send.call(this, packets);
    } finally {
      raw.uncork();
    }
  };
  proto.enlaceCoalesced = true;
}

/** Redis PUB/SUB is shared by every database of a server: scope the adapter's channels by database number. */
export function adapterPrefix(target: RedisTarget): string {
  return `enlace-db${target.db}`;
}

/**
 * The socket.io server of this process and the adapter choice, made once from the configuration:
 * - REDIS_URL set: `@socket.io/redis-streams-adapter`, so a broadcast on one API process reaches sockets on every
 *   other (and connection state recovery works across them). A worker-only process gets a socket.io Server that
 *   listens nowhere but has the same adapter: its broadcasts reach the API processes through the stream.
 * - REDIS_URL unset: the in-memory adapter; the service runs as one process (ROLE=all, the embedded default). A
 *   worker-only process without Redis cannot reach sockets: its realtime events are dropped (logged once);
 *   clients still get every message through `sync`.
 *
 * `RealtimeFanout` turns the domain events into broadcasts through this server, in publication order.
 */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private io?: Server;
  private redis?: Redis | Cluster;
  private detached = false;
  private shuttingDown = false;
  private warnedNoServer = false;
  private readonly clusterHandlers = new Map<string, Set<ClusterHandler>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    metrics.countSocketsWith(() => (this.io && !this.detached ? this.io.of('/').sockets.size : 0));
  }

  /** A worker-only process with Redis: a socket.io Server that listens nowhere, for its broadcasts. */
  onApplicationBootstrap(): void {
    if (this.config.role === 'worker' && this.config.redisUrl && !this.io) {
      this.io = new Server({ adapter: this.adapter() });
      this.detached = true;
      this.listenCluster(this.io);
      this.logger.log('realtime events of this worker go to the API processes through Redis');
    }
  }

  /** The socket.io server of this process (none in a worker without Redis: said once, then nothing is sent). */
  server(): Server | undefined {
    if (this.shuttingDown) return undefined;
    if (!this.io && !this.warnedNoServer) {
      this.warnedNoServer = true;
      this.logger.warn(
        'no socket.io server in this process (a worker without REDIS_URL): realtime events are dropped; clients catch up with sync',
      );
    }
    return this.io;
  }

  private adapter() {
    // Auto-pipelining: the XADDs of a batch of messages stored together leave in one write.
    this.redis ??= createRedisClient(this.config.redis!, {
      maxRetriesPerRequest: null,
      enableAutoPipelining: true,
      autoPipeliningIgnoredCommands: ['xread', 'subscribe', 'ssubscribe', 'psubscribe'],
    });
    this.redis.on('error', (e) => this.logger.warn(`redis: ${e.message}`));
    const prefix = adapterPrefix(this.config.redis!);
    return createAdapter(this.redis, {
      streamName: prefix,
      channelPrefix: prefix,
      sessionKeyPrefix: `${prefix}:session:`,
      blockTimeInMs: 1000,
      readCount: 32,
      maxLen: 20_000,
      onlyPlaintext: true,
    });
  }

  /** The socket.io server on the API's HTTP server (created once, by `EnlaceIoAdapter` for the gateway). */
  createServer(http: HttpServer, options: Partial<ServerOptions>): Server {
    if (this.io) throw new Error('the socket.io server is already attached');
    coalesceWebSocketWrites();
    this.io = new Server(http, {
      ...options,
      parser: jsonTextParser(),
      adapter: (this.config.redisUrl ? this.adapter() : inMemoryAdapter()) as ServerOptions['adapter'],
    });
    this.listenCluster(this.io);
    // `enlace_messages_delivered_total`: each message.created written to a socket of this process
    const delivered = this.metrics.deliveries;
    // one listener for every socket (a closure per socket would cost each idle socket ~100 bytes)
    const count = (event: string) => {
      if (event === 'message.created') delivered.count++;
    };
    this.io.on('connection', (socket) => {
      addAnyListener(socket, 'out', count);
      (socket as { handshake: Handshake }).handshake = new ConnectedHandshake(socket.handshake);
    });
    // The HTTP request that opened each connection is not needed once it is open (the handshake keeps the address):
    // socket.io keeps it for the connection's life unless told otherwise (its "Memory usage" guide).
    this.io.engine.on('connection', (raw: { request: unknown }) => {
      raw.request = null;
    });
    this.logger.log(
      `socket.io on ${this.config.redisUrl ? 'the Redis streams adapter' : 'the in-memory adapter (one process)'}`,
    );
    return this.io;
  }

  /**
   * Presence (the domain's `Presence` port): which of these users have a live socket on any API process. With the
   * Redis adapter the question goes to every process; a process without a socket.io server (a worker without
   * REDIS_URL) cannot know and answers nobody.
   */
  async onlineAmong(userIds: string[]): Promise<Set<string>> {
    const io = this.io;
    if (!io || !userIds.length) return new Set();
    const sockets = await io.in(userIds.map(rooms.user)).fetchSockets();
    return new Set(sockets.map((s) => s.data?.userId).filter((id): id is string => typeof id === 'string'));
  }

  get usesRedis(): boolean {
    return !!this.config.redisUrl;
  }

  /**
   * Notices between the processes of a deployment (e.g. "these users' access changed"): delivered to the handlers of
   * this process and, through the adapter, of every other process.
   */
  readonly cluster = {
    publish: (topic: string, data: unknown): void => {
      this.dispatch(topic, data);
      // only an adapter between processes carries it further; the in-memory adapter has no other process
      if (this.usesRedis) this.io?.serverSideEmit(CLUSTER_EVENT, topic, data);
    },
    on: (topic: string, handler: ClusterHandler): (() => void) => {
      let set = this.clusterHandlers.get(topic);
      if (!set) this.clusterHandlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => set!.delete(handler);
    },
  };

  private listenCluster(io: Server): void {
    io.on(CLUSTER_EVENT as any, (topic: string, data: unknown) => this.dispatch(topic, data));
  }

  private dispatch(topic: string, data: unknown): void {
    for (const h of this.clusterHandlers.get(topic) ?? []) {
      try {
        h(data);
      } catch (e: any) {
        this.logger.warn(`cluster handler ${topic}: ${e?.message ?? e}`);
      }
    }
  }

  /**
   * Graceful shutdown, first step: every socket of this process hears `server.draining` (with a short random delay,
   * so that a thousand clients do not come back in the same millisecond), then its connection is closed as a lost
   * transport would be: the client reconnects on its own, through the load balancer, to another process, where
   * connection state recovery (the session is kept in Redis) or `sync` gives it what it missed. Resolves once every
   * socket is gone, or after `timeoutMs`.
   */
  async drain(timeoutMs = 3000): Promise<number> {
    const io = this.io;
    if (!io || this.detached) return 0;
    const sockets = [...io.of('/').sockets.values()];
    const gone = sockets.map((s) => new Promise<void>((resolve) => s.once('disconnect', () => resolve())));
    // `local`: written to these sockets now (a plain emit goes through the Redis stream first, and would arrive after
    // the connection is gone); engine.io flushes it before it closes the transport.
    for (const socket of sockets)
      emitDraining(io.local.to(socket.id), { reconnectAfterMs: Math.floor(Math.random() * 1000) });
    for (const socket of sockets) socket.conn.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(gone),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    return sockets.length;
  }

  /** True once the process is shutting down: nothing new is broadcast (the adapter's Redis is about to close). */
  get closing(): boolean {
    return this.shuttingDown;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const io = this.io;
    this.io = undefined;
    if (io) {
      if (this.detached) {
        await io.close().catch(() => undefined);
      } else {
        io.local.disconnectSockets(true);
        await Promise.resolve(io.of('/').adapter.close()).catch(() => undefined);
        io.engine.close();
      }
    }
    if (this.redis) {
      await this.redis.quit().catch(() => undefined);
      this.redis = undefined;
    }
  }
}

type Handshake = Socket['handshake'];
const NOTHING = Object.freeze({});

/**
 * What a connected socket keeps of its handshake (socket.io keeps the whole handshake for the connection's life: the
 * request's headers, query, URL and time string, about 0.4 KB per socket from a script, several from a browser with
 * its cookies and user agent). Once the handshake middleware has authenticated the socket nothing reads them: the
 * address (audit) stays, with when and how it connected; the headers, query, URL and `auth` (the bearer token) read
 * as empty. One shape for every socket.
 */
class ConnectedHandshake implements Handshake {
  readonly address: string;
  readonly issued: number;
  readonly secure: boolean;
  readonly xdomain: boolean;

  constructor(h: Handshake) {
    this.address = h.address;
    this.issued = h.issued;
    this.secure = h.secure;
    this.xdomain = h.xdomain;
  }

  get time(): string {
    return new Date(this.issued).toString();
  }
  get headers(): Handshake['headers'] {
    return NOTHING;
  }
  get query(): Handshake['query'] {
    return NOTHING;
  }
  get url(): string {
    return '';
  }
  get auth(): Handshake['auth'] {
    return NOTHING;
  }
}
