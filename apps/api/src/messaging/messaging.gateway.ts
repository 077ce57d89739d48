import { Logger, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import {
  ChannelAccess,
  DomainError,
  DomainEvents,
  MessageChangesService,
  MessageReadingService,
  MessageSendingService,
  PresenceService,
  type RequestContext,
} from '#domain';
import { guardPackets, guardRecovery, RealtimeServer, rooms } from '#realtime';
import { PostingLimiter } from '../common/posting-limiter.js';
import { DtoPayloadPipe as V } from './socket/dto-payload.pipe.js';
import { socketPayloads as P, SOCKET_EVENTS, type SocketPayload } from './socket/socket-payloads.js';
import { RATE_BURST, socketPacketGuard } from './socket/socket-packet.guard.js';
import {
  SocketSessions,
  handshakeRefusal,
  unauthorized,
  type SocketState,
} from './socket/socket-sessions.js';
import { isDependencyUnavailable } from '../common/dependency-errors.js';
import { WsAckExceptionFilter } from './socket/ws-ack-exception.filter.js';

/**
 * The socket.io entry point (API.md "Realtime"). The server comes from `EnlaceIoAdapter` (libs/realtime); here:
 * the handshake middleware (access token), the guard on connection state recovery, the packet guard (rate
 * limit, strikes, unknown events) and one thin handler per client event, each answering its ack `{ok:true,data}`;
 * whatever a handler throws is answered `{ok:false,error}` by `WsAckExceptionFilter`.
 */
@UseFilters(WsAckExceptionFilter)
@WebSocketGateway()
export class MessagingGateway
  implements OnGatewayInit<Server>, OnGatewayConnection<Socket>, OnGatewayDisconnect<Socket>
{
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly sessions: SocketSessions,
    private readonly sending: MessageSendingService,
    private readonly reading: MessageReadingService,
    private readonly changes: MessageChangesService,
    private readonly access: ChannelAccess,
    private readonly limiter: PostingLimiter,
    private readonly realtime: RealtimeServer,
    private readonly events: DomainEvents,
    private readonly presence: PresenceService,
  ) {}

  afterInit(io: Server): void {
    io.use((socket, next) => {
      this.sessions.authenticate(socket, RATE_BURST).then(
        () => next(),
        (error: unknown) => {
          // PostgreSQL unreachable is no reason to send the user back to the login page: SERVICE_UNAVAILABLE, retried
          const message = String((error as Error)?.message ?? error);
          if (isDependencyUnavailable(error))
            this.logger.warn(`handshake: a dependency is unavailable: ${message}`);
          else if (!(error instanceof DomainError)) this.logger.warn(`handshake failed: ${message}`);
          next(handshakeRefusal(error));
        },
      );
    });
    guardRecovery(io.of('/'), (auth, session) => this.sessions.mayRecover(auth, session));
    guardPackets(
      io.of('/'),
      socketPacketGuard((s) => this.sessions.state(s), SOCKET_EVENTS, this.logger),
    );
    // Access changes (memberships, roles, sessions) from any process re-evaluate the rooms of that user's sockets.
    this.realtime.cluster.on(
      'access.changed',
      (data: { userIds: string[] }) => void this.sessions.refreshUsers(data.userIds),
    );
    this.events.on('access.changed', ({ userIds }) =>
      this.realtime.cluster.publish('access.changed', { userIds }),
    );
  }

  handleConnection(socket: Socket): void {
    if (!this.sessions.connected(socket)) socket.disconnect(true);
  }

  handleDisconnect(socket: Socket): void {
    this.sessions.disconnected(socket);
  }

  // A socket's messages are stored in the order they arrived: the per-channel write queue of MessageInsertRepository
  // keeps that order (and batches concurrent writers); only a message pointing at a case is checked first, so it
  // and whatever the socket sends after it wait their turn.
  @SubscribeMessage('message.send')
  send(
    @ConnectedSocket() s: Socket,
    @MessageBody(new V(P['message.send'])) p: SocketPayload<'message.send'>,
  ) {
    return this.handle(s, async (st, ctx) => {
      await this.limiter.take(st.principal.id);
      const run = async () => (await this.sending.send(ctx, st.principal, p.channelId, p)).message;
      return p.caseId || st.pending > 0 ? this.serial(st, run) : run();
    });
  }

  @SubscribeMessage('message.edit')
  edit(
    @ConnectedSocket() s: Socket,
    @MessageBody(new V(P['message.edit'])) p: SocketPayload<'message.edit'>,
  ) {
    return this.handle(s, (st, ctx) =>
      this.serial(st, () => this.changes.edit(ctx, st.principal, p.id, p.body)),
    );
  }

  @SubscribeMessage('message.delete')
  remove(
    @ConnectedSocket() s: Socket,
    @MessageBody(new V(P['message.delete'])) p: SocketPayload<'message.delete'>,
  ) {
    return this.handle(s, (st, ctx) => this.serial(st, () => this.changes.remove(ctx, st.principal, p.id)));
  }

  @SubscribeMessage('message.ack')
  ack(@ConnectedSocket() s: Socket, @MessageBody(new V(P['message.ack'])) p: SocketPayload<'message.ack'>) {
    return this.handle(s, async (st, ctx) => {
      const r = await this.changes.ack(ctx, st.principal, p.id);
      return { messageId: r.messageId, ackedAt: r.ackedAt };
    });
  }

  @SubscribeMessage('channel.read')
  read(
    @ConnectedSocket() s: Socket,
    @MessageBody(new V(P['channel.read'])) p: SocketPayload<'channel.read'>,
  ) {
    return this.handle(s, (st) => this.reading.markRead(st.principal, p.channelId, p.seq));
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() s: Socket, @MessageBody(new V(P.sync)) p: SocketPayload<'sync'>) {
    return this.handle(s, (st, ctx) => this.reading.sync(ctx, st.principal, p.cursors));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() s: Socket, @MessageBody(new V(P.typing)) p: SocketPayload<'typing'>) {
    return this.handle(s, async (st) => {
      const room = rooms.channel(p.channelId);
      // Room membership is the cached form of read access, kept current by access changes.
      if (!s.rooms.has(room)) {
        await this.access.readable(st.principal, p.channelId);
        s.join(room);
      }
      this.events.publish('typing', {
        channelId: p.channelId,
        user: {
          id: st.principal.id,
          displayName: st.principal.displayName,
          country: st.principal.country ?? null,
        },
        originSocketId: s.id,
      });
      return {};
    });
  }

  /**
   * Whose presence this socket shows: it hears `presence` for these users only (those PresencePolicy lets it see;
   * others are left out of `watching`) and learns at once which of them are online. Replaces the previous list.
   */
  @SubscribeMessage('presence.watch')
  watch(
    @ConnectedSocket() s: Socket,
    @MessageBody(new V(P['presence.watch'])) p: SocketPayload<'presence.watch'>,
  ) {
    return this.handle(s, async (st) => {
      const watching = await this.presence.watchable(st.principal, p.userIds);
      if (!s.connected) return { watching: [], online: [] };
      this.sessions.watch(s, watching);
      const online = await this.realtime.onlineAmong(watching);
      return { watching, online: watching.filter((id) => online.has(id)) };
    });
  }

  /** Runs a handler with the socket's state and request context; answers `{ok:true,data}` and clears the strikes. */
  private async handle<T>(
    socket: Socket,
    work: (state: SocketState, ctx: RequestContext) => Promise<T>,
  ): Promise<{ ok: true; data: T }> {
    const state = this.sessions.state(socket);
    if (!state) throw unauthorized();
    const ctx: RequestContext = {
      actorId: state.principal.id,
      ip: socket.handshake.address ?? null,
      requestId: `ws-${socket.id}-${++state.requests}`,
    };
    const data = await work(state, ctx);
    state.strikes = 0;
    return { ok: true, data };
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
}
