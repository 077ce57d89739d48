import { Injectable, Logger } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { Clock } from '#config';
import { isDependencyUnavailable } from '../../common/dependency-errors.js';
import {
  accessScope,
  AccountsRepository,
  AuthService,
  ChannelsService,
  MfaAccessPolicy,
  DomainEvents,
  SessionsRepository,
  type Principal,
} from '#domain';
import {
  isPresenceRoom,
  RealtimeServer,
  rooms,
  shared,
  sharedValue,
  socketRooms,
  type RecoveredSession,
} from '#realtime';

/** What the gateway keeps for each live socket of this process. */
export interface SocketState {
  /** Its values shared with the other sockets' principals where they are equal (see `leanPrincipal`). */
  principal: Principal;
  expiresAt: number;
  /** The second (epoch, rounded up) its token expires: its bucket in `expiries`. */
  expirySecond?: number;
  /** Per-socket token bucket of client events (see socket-packet.guard.ts). */
  tokens: number;
  refilledAt: number;
  /** Refused events in a row. */
  strikes: number;
  /** The socket's writes that must keep their order (see `serial`). */
  queue: Promise<unknown>;
  pending: number;
  requests: number;
  initialRooms?: string[];
}

/** The write queue of a socket that has written nothing yet (shared: one less promise per idle socket). */
const IDLE: Promise<unknown> = Promise.resolve();

/**
 * The principal a socket keeps: the same values, with its memberships, roles and short strings (country, locale,
 * time zone) shared, frozen, with every other socket whose principal has them equal: most officers of a network have
 * the same memberships, which each socket would otherwise hold a copy of (bench:sockets).
 */
function leanPrincipal(p: Principal): Principal {
  const memberships = sharedValue(`m${JSON.stringify(p.memberships)}`, () =>
    Object.freeze(p.memberships.map((m) => Object.freeze({ ...m }))),
  ) as Principal['memberships'];
  const roles = sharedValue(`r${p.roles.join(',')}`, () => Object.freeze([...p.roles])) as Principal['roles'];
  // every field written out: an object literal of known fields keeps them in the object itself
  return {
    id: p.id,
    email: p.email,
    displayName: p.displayName,
    country: p.country === null ? null : shared(p.country),
    organization: p.organization === null ? null : shared(p.organization),
    locale: shared(p.locale) as Principal['locale'],
    timezone: shared(p.timezone),
    roles,
    // a secret (the calendar feed's) that nothing on a socket reads: not kept for the connection's life
    calendarToken: '',
    memberships,
    sessionId: p.sessionId,
  };
}

export const unauthorized = () =>
  Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED' } });

/** The handshake could not be checked (PostgreSQL unreachable): the client tries again, its token still good. */
export const unavailable = () =>
  Object.assign(new Error('SERVICE_UNAVAILABLE'), { data: { code: 'SERVICE_UNAVAILABLE' } });

/**
 * The handshake's refusal: SERVICE_UNAVAILABLE when PostgreSQL could not be asked (the token may be fine: the client
 * connects again), MFA_ENROLMENT_REQUIRED when that is why, else UNAUTHORIZED (nothing else is told).
 */
export const handshakeRefusal = (error: unknown) =>
  isDependencyUnavailable(error)
    ? unavailable()
    : (error as { code?: string })?.code === 'MFA_ENROLMENT_REQUIRED'
      ? Object.assign(new Error('MFA_ENROLMENT_REQUIRED'), { data: { code: 'MFA_ENROLMENT_REQUIRED' } })
      : unauthorized();

/**
 * The live sockets of this process: who they are (authenticated at the handshake, re-read when access changes),
 * which rooms they are in (exactly the channels their user may read, plus the audience rooms), when their token
 * expires, and presence.
 */
@Injectable()
export class SocketSessions {
  private readonly logger = new Logger('Gateway');
  private readonly states = new WeakMap<Socket, SocketState>();
  /** Each user's live sockets on this process: the socket itself while it is the only one (most users), else a set. */
  private readonly byUser = new Map<string, Socket | Set<Socket>>();
  /**
   * The sockets whose token expires in each second, with one timer per second rather than per socket (a timer and
   * its list cost each idle socket some 300 bytes: bench:sockets). A socket goes within a second after its token.
   */
  private readonly expiries = new Map<number, Set<Socket>>();

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly auth: AuthService,
    private readonly accounts: AccountsRepository,
    private readonly channels: ChannelsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly mfa: MfaAccessPolicy,
    private readonly sessionsRepo: SessionsRepository,
  ) {}

  state(socket: Socket): SocketState | undefined {
    return this.states.get(socket);
  }

  /** Handshake middleware: a valid access token, or `connect_error` UNAUTHORIZED. */
  async authenticate(socket: Socket, burst: number): Promise<void> {
    const token = socket.handshake.auth?.token;
    const principal = await this.auth.authenticate(typeof token === 'string' ? token : undefined);
    // MFA_REQUIRED: a covered account without a second factor gets `connect_error` MFA_ENROLMENT_REQUIRED.
    await this.mfa.ensureEnrolled(principal);
    // A recovered session belongs to whoever opened it.
    if (socket.recovered && (socket.data as any)?.userId !== principal.id) throw unauthorized();
    const { tokenExpiresAt, ...p } = principal;
    const initialRooms = socketRooms(p, await this.channels.readableChannelIds(p, accessScope(p)));
    socket.data = { userId: p.id };
    this.states.set(socket, {
      principal: leanPrincipal(p),
      expiresAt: tokenExpiresAt,
      tokens: burst,
      refilledAt: Date.now(),
      strikes: 0,
      queue: IDLE,
      pending: 0,
      requests: 0,
      initialRooms,
    });
  }

  /**
   * Connection state recovery: a session comes back only to a valid token of the same user whose rooms, evaluated
   * now, still include every room of the session (else what it missed may hold what it may no longer read).
   */
  async mayRecover(auth: Record<string, unknown>, session: RecoveredSession): Promise<boolean> {
    const token = typeof auth.token === 'string' ? auth.token : undefined;
    const principal = await this.auth.authenticate(token);
    if ((session.data as { userId?: string } | undefined)?.userId !== principal.id) return false;
    const { tokenExpiresAt: _expires, ...p } = principal;
    const now = new Set(socketRooms(p, await this.channels.readableChannelIds(p, accessScope(p))));
    // watches are not restored (they are checked when made): `connected` leaves them, the client watches again
    return session.rooms.every((room) => room === session.sid || now.has(room) || isPresenceRoom(room));
  }

  /** Every live socket of this process, as `byUser` holds them. */
  private *localSockets(): Generator<Socket> {
    for (const held of this.byUser.values())
      if (held instanceof Set) yield* held;
      else yield held;
  }

  /** This user's live sockets on this process (a copy). */
  private socketsOf(userId: string): Socket[] {
    const held = this.byUser.get(userId);
    return held instanceof Set ? [...held] : held ? [held] : [];
  }

  /** After the handshake: rooms, the expiry timer, presence. False when the socket must go. */
  connected(socket: Socket): SocketState | undefined {
    const state = this.states.get(socket);
    if (!state) return undefined;
    const ms = state.expiresAt - this.clock.now().getTime();
    if (ms <= 0) return undefined;
    this.applyRooms(socket, state.initialRooms ?? []);
    state.initialRooms = undefined;
    const userId = state.principal.id;
    const held = this.byUser.get(userId);
    if (!held) this.byUser.set(userId, socket);
    else if (held instanceof Set) held.add(socket);
    else if (held !== socket) this.byUser.set(userId, new Set([held, socket]));
    this.expireAt(socket, state, ms);
    if (!held) void this.presence(socket.nsp.server, state.principal, 'online');
    return state;
  }

  disconnected(socket: Socket): void {
    const state = this.states.get(socket);
    if (!state) return;
    if (state.expirySecond !== undefined) this.expiries.get(state.expirySecond)?.delete(socket);
    const userId = state.principal.id;
    const held = this.byUser.get(userId);
    if (held instanceof Set) {
      if (!held.delete(socket)) return;
      if (held.size === 1) this.byUser.set(userId, held.values().next().value!);
    } else if (held === socket) {
      this.byUser.delete(userId);
      void this.presence(socket.nsp.server, state.principal, 'offline');
    }
  }

  /**
   * `presence.watch`: the socket hears `presence` for exactly these users (already filtered by PresencePolicy),
   * replacing what it watched before. Access changes and reconnections end every watch (the client watches again).
   */
  watch(socket: Socket, userIds: string[]): void {
    const want = new Set(userIds.map(rooms.presence));
    for (const room of socket.rooms) if (isPresenceRoom(room) && !want.has(room)) socket.leave(room);
    socket.join([...want].filter((r) => !socket.rooms.has(r)));
  }

  private expireAt(socket: Socket, state: SocketState, ms: number): void {
    const second = Math.ceil((this.clock.now().getTime() + ms) / 1000);
    state.expirySecond = second;
    let due = this.expiries.get(second);
    if (!due) {
      const sockets = (due = new Set());
      this.expiries.set(second, sockets);
      const wait = Math.min(second * 1000 - this.clock.now().getTime(), 2 ** 31 - 1);
      setTimeout(() => {
        this.expiries.delete(second);
        for (const s of sockets) s.disconnect(true);
      }, wait).unref();
    }
    due.add(socket);
  }

  /** Joins exactly `wanted` (besides the socket's own room), leaving any other room. */
  private applyRooms(socket: Socket, wanted: string[]): void {
    const want = new Set(wanted);
    for (const room of socket.rooms) if (room !== socket.id && !want.has(room)) socket.leave(room);
    socket.join(wanted.filter((r) => !socket.rooms.has(r)));
  }

  /** Reloads the principal of each local socket of these users and re-evaluates its rooms; ends revoked sessions. */
  async refreshUsers(userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      for (const socket of this.socketsOf(userId)) {
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
          const wanted = socketRooms(p, await this.channels.readableChannelIds(p, accessScope(p)));
          state.principal = leanPrincipal(p);
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

  /**
   * Ends the local sockets whose session no longer works (revoked, expired, account disabled), whoever changed it:
   * the safety net under `access.changed` for changes made outside an API process (the operator CLI) or a notice
   * that did not arrive. One query for all the sockets of this process.
   */
  async endRevoked(): Promise<number> {
    const sessionOf = (socket: Socket) => this.states.get(socket)?.principal.sessionId;
    const sessionIds: string[] = [];
    for (const socket of this.localSockets()) {
      const sid = sessionOf(socket);
      if (sid) sessionIds.push(sid);
    }
    const gone = await this.sessionsRepo.ended(sessionIds, this.clock.now());
    if (!gone.size) return 0;
    // a copy: each disconnection leaves `byUser`
    const ending = [...this.localSockets()].filter((socket) => gone.has(sessionOf(socket) ?? ''));
    for (const socket of ending) socket.disconnect(true);
    return ending.length;
  }

  /** `presence` to the sockets watching the user: online with the first socket, offline when the last one (on any process) goes. */
  private async presence(io: Server, p: Principal, status: 'online' | 'offline'): Promise<void> {
    if (this.realtime.closing) return;
    if (status === 'offline' && this.realtime.usesRedis) {
      const remaining = await io
        .timeout(1000)
        .in(rooms.user(p.id))
        .fetchSockets()
        .catch(() => []);
      // the process may have begun to shut down meanwhile: its adapter no longer publishes
      if (remaining.length || this.realtime.closing) return;
    }
    this.events.publish('presence', {
      user: { id: p.id, displayName: p.displayName, country: p.country ?? null },
      status,
    });
  }
}
