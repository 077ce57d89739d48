import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import {
  accessScope,
  AccountsRepository,
  AuthService,
  ChannelsService,
  DomainError,
  DomainEvents,
  ChannelAccess,
  MessageChangesService,
  MessageReadingService,
  MessageSendingService,
  ValidationFailed,
  RateLimited,
  rooms,
  type AccessScope,
  type Principal,
  type RequestContext,
} from '#domain';
import { RealtimeServer } from '#realtime';
import { socketPayloads, type SocketEvent } from './socket-payloads.js';
import { toAckError } from './ws-error.js';

/** Frames above this close the connection (engine.io): well below 2 MB, above a 10,000-character body. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Per-socket token bucket: a burst, then a sustained rate of client events. */
export const RATE_BURST = 120;
export const RATE_PER_SECOND = 60;
/** Refused events in a row (rate limited or malformed) after which the socket is disconnected. */
export const MAX_STRIKES = 500;
/** How long a dropped connection may come back with its rooms and missed packets (connection state recovery). */
export const RECOVERY_MS = 2 * 60_000;

interface SocketState {
  principal: Principal;
  scope: AccessScope;
  expiresAt: number;
  timer?: NodeJS.Timeout;
  tokens: number;
  refilledAt: number;
  strikes: number;
  queue: Promise<unknown>;
  /** Events of this socket waiting in `queue`. */
  pending: number;
  requests: number;
  initialRooms?: string[];
}

type Handler = (socket: Socket, state: SocketState, payload: any, ctx: RequestContext) => Promise<unknown>;

const unauthorized = () => Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED' } });

/**
 * The socket.io entry point: JWT in the handshake, Origin allow-list, rooms for the user and every channel they may
 * read, each client event validated, rate limited and answered through its ack; the connection ends when the token
 * expires; access changes re-evaluate the rooms of live sockets on every process.
 */
@Injectable()
export class MessagingGateway implements OnApplicationBootstrap {
  private readonly logger = new Logger('Gateway');
  private readonly states = new WeakMap<Socket, SocketState>();
  private readonly byUser = new Map<string, Set<Socket>>();
  private io?: Server;

  private readonly handlers: Record<SocketEvent, Handler> = {
    // A socket's messages are stored in the order they arrived: the per-channel write queue of MessageInsertRepository
    // keeps that order (and batches concurrent writers); only a message pointing at a case is checked first, so it
    // and whatever the socket sends after it wait their turn.
    'message.send': (_s, st, p, ctx) => {
      const run = async () => (await this.sending.send(ctx, st.principal, p.channelId, p, st.scope)).message;
      return p.caseId || st.pending > 0 ? this.serial(st, run) : run();
    },
    'message.edit': (_s, st, p, ctx) =>
      this.serial(st, () => this.changes.edit(ctx, st.principal, p.id, p.body)),
    'message.delete': (_s, st, p, ctx) => this.serial(st, () => this.changes.remove(ctx, st.principal, p.id)),
    'message.ack': async (_s, st, p, ctx) => {
      const r = await this.changes.ack(ctx, st.principal, p.id);
      return { messageId: r.messageId, ackedAt: r.ackedAt };
    },
    'channel.read': (_s, st, p) => this.reading.markRead(st.principal, p.channelId, p.seq),
    sync: (_s, st, p, ctx) => this.reading.sync(ctx, st.principal, p.cursors, st.scope),
    typing: async (socket, st, p) => {
      const room = rooms.channel(p.channelId);
      // Room membership is the cached form of read access, kept current by access changes.
      if (!socket.rooms.has(room)) {
        await this.access.readable(st.principal, p.channelId);
        socket.join(room);
      }
      socket.to(room).emit('typing', {
        channelId: p.channelId,
        user: { id: st.principal.id, displayName: st.principal.displayName, country: st.principal.country },
      });
      return {};
    },
  };

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly realtime: RealtimeServer,
    private readonly auth: AuthService,
    private readonly accounts: AccountsRepository,
    private readonly channels: ChannelsService,
    private readonly sending: MessageSendingService,
    private readonly reading: MessageReadingService,
    private readonly changes: MessageChangesService,
    private readonly access: ChannelAccess,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const allowed = new Set(this.config.allowedOrigins);
    const io = this.realtime.attach(this.host.httpAdapter.getHttpServer(), {
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: MAX_FRAME_BYTES,
      cors: { origin: this.config.allowedOrigins, credentials: false },
      // Browsers send Origin; a browser from elsewhere is refused. Clients that send none (scripts) are allowed.
      allowRequest: (req: IncomingMessage, cb) => {
        const origin = req.headers.origin;
        cb(origin && !allowed.has(origin) ? 'ORIGIN_NOT_ALLOWED' : null, !origin || allowed.has(origin));
      },
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS, skipMiddlewares: false },
      pingInterval: 20_000,
      pingTimeout: 20_000,
    });
    this.io = io;
    io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        () => next(unauthorized()),
      );
    });
    io.on('connection', (socket) => this.onConnection(socket));
    // Access changes (memberships, roles) from any process re-evaluate the rooms of that user's sockets here.
    this.realtime.cluster.on(
      'access.changed',
      (data: { userIds: string[] }) => void this.refreshUsers(data.userIds),
    );
    this.events.on('access.changed', ({ userIds }) =>
      this.realtime.cluster.publish('access.changed', { userIds }),
    );
  }

  private async authenticate(socket: Socket): Promise<void> {
    const token = socket.handshake.auth?.token;
    const principal = await this.auth.authenticate(typeof token === 'string' ? token : undefined);
    // A recovered session belongs to whoever opened it.
    if (socket.recovered && socket.data?.userId && socket.data.userId !== principal.id) throw unauthorized();
    const { tokenExpiresAt, ...p } = principal;
    const scope = accessScope(p);
    const initialRooms = await this.channels.roomsFor(p, scope);
    socket.data = { userId: p.id };
    this.states.set(socket, {
      principal: p,
      scope,
      expiresAt: tokenExpiresAt,
      tokens: RATE_BURST,
      refilledAt: Date.now(),
      strikes: 0,
      queue: Promise.resolve(),
      pending: 0,
      requests: 0,
      initialRooms,
    });
  }

  private onConnection(socket: Socket): void {
    const state = this.states.get(socket);
    if (!state) {
      socket.disconnect(true);
      return;
    }
    const ms = state.expiresAt - this.clock.now().getTime();
    if (ms <= 0) {
      socket.disconnect(true);
      return;
    }
    this.applyRooms(socket, state.initialRooms ?? []);
    state.initialRooms = undefined;
    const userId = state.principal.id;
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(socket);

    state.timer = setTimeout(() => socket.disconnect(true), Math.min(ms, 2 ** 31 - 1));
    state.timer.unref();

    socket.onAny((event: string, ...args: unknown[]) => void this.dispatch(socket, state, event, args));
    socket.on('disconnect', () => {
      clearTimeout(state.timer);
      const s = this.byUser.get(userId);
      s?.delete(socket);
      if (s && !s.size) {
        this.byUser.delete(userId);
        void this.presence(state.principal, 'offline');
      }
    });
    if (set.size === 1) void this.presence(state.principal, 'online');
  }

  /** Joins exactly `wanted` (besides the socket's own room), leaving any other room. */
  private applyRooms(socket: Socket, wanted: string[]): void {
    const want = new Set(wanted);
    for (const room of socket.rooms) if (room !== socket.id && !want.has(room)) socket.leave(room);
    socket.join(wanted.filter((r) => !socket.rooms.has(r)));
  }

  private take(state: SocketState): boolean {
    const now = Date.now();
    state.tokens = Math.min(RATE_BURST, state.tokens + ((now - state.refilledAt) / 1000) * RATE_PER_SECOND);
    state.refilledAt = now;
    if (state.tokens < 1) return false;
    state.tokens -= 1;
    return true;
  }

  private async dispatch(socket: Socket, state: SocketState, event: string, args: unknown[]): Promise<void> {
    const ack =
      typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
    const locale = state.principal.locale;
    const reply = (answer: unknown) => {
      if (ack) ack(answer);
    };
    const refuse = (error: unknown) => {
      state.strikes += 1;
      reply(toAckError(error, locale, this.logger));
      if (state.strikes >= MAX_STRIKES) socket.disconnect(true);
    };
    if (!this.take(state))
      return refuse(new RateLimited(1, 'Too many events on this connection; slow down.'));
    const handler = (this.handlers as Record<string, Handler | undefined>)[event];
    if (!handler || !Object.hasOwn(this.handlers, event)) {
      return refuse(new DomainError('UNKNOWN_EVENT', 400, `Unknown event: ${String(event).slice(0, 40)}.`));
    }
    if (!ack)
      return refuse(
        new ValidationFailed([{ field: 'ack', message: 'every event takes an acknowledgement callback' }]),
      );
    if (args.length !== 1) {
      return refuse(new ValidationFailed([{ field: 'payload', message: 'must be exactly one object' }]));
    }
    const parsed = socketPayloads[event as SocketEvent].safeParse(args[0]);
    if (!parsed.success) return refuse(parsed.error);
    const ctx: RequestContext = {
      actorId: state.principal.id,
      ip: socket.handshake.address ?? null,
      requestId: `ws-${socket.id}-${++state.requests}`,
    };
    try {
      const data = await handler(socket, state, parsed.data, ctx);
      state.strikes = 0;
      reply({ ok: true, data });
    } catch (error) {
      reply(toAckError(error, locale, this.logger));
    }
  }

  /** Runs a socket's writes one after another, so its messages are stored in the order it sent them. */
  private serial<T>(state: SocketState, work: () => Promise<T>): Promise<T> {
    state.pending += 1;
    const run = state.queue.then(work, work).finally(() => {
      state.pending -= 1;
    });
    state.queue = run.catch(() => undefined);
    return run;
  }

  /** Reloads the principal of each local socket of these users and re-evaluates its rooms; ends revoked sessions. */
  private async refreshUsers(userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      const sockets = [...(this.byUser.get(userId) ?? [])];
      for (const socket of sockets) {
        const state = this.states.get(socket);
        if (!state) continue;
        try {
          const p = await this.accounts.principalForSession(
            userId,
            state.principal.sessionId ?? '',
            this.clock.now(),
          );
          if (!p) {
            socket.disconnect(true);
            continue;
          }
          const scope = accessScope(p);
          const wanted = await this.channels.roomsFor(p, scope);
          state.principal = p;
          state.scope = scope;
          if (socket.connected) {
            this.applyRooms(socket, wanted);
            // Tells the client to refresh its lists (channels, cases): what it may read has changed.
            socket.emit('access.updated', {
              memberships: p.memberships.map(({ network, role }) => ({ network, role })),
            });
          }
        } catch (e: any) {
          this.logger.warn(`refreshing the rooms of a socket failed: ${e?.message ?? e}`);
          socket.disconnect(true);
        }
      }
    }
  }

  /** `presence` to the user's networks: online with the first socket, offline when the last one (on any process) goes. */
  private async presence(p: Principal, status: 'online' | 'offline'): Promise<void> {
    const io = this.io;
    if (!io || !p.memberships.length || this.realtime.closing) return;
    if (status === 'offline' && this.realtime.usesRedis) {
      const remaining = await io
        .timeout(1000)
        .in(rooms.user(p.id))
        .fetchSockets()
        .catch(() => []);
      // the process may have begun to shut down meanwhile: its adapter no longer publishes
      if (remaining.length || this.realtime.closing) return;
    }
    io.to(p.memberships.map((m) => rooms.network(m.networkId))).emit('presence', {
      user: { id: p.id, displayName: p.displayName, country: p.country },
      status,
    });
  }
}
