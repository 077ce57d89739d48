import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { WebSocketsController } from '@nestjs/websockets/web-sockets-controller.js';
import { isObservable } from 'rxjs';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '#config';
import { addAnyListener } from './any-listener.js';
import { RealtimeServer } from './realtime.server.js';

/** Frames above this close the connection (engine.io): well below 2 MB, above a 10,000-character body. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** How long a dropped connection may come back with its rooms and missed packets (connection state recovery). */
export const RECOVERY_MS = 2 * 60_000;

/**
 * The socket.io server of the API, created for `@WebSocketGateway` by Nest through this adapter: the Redis streams
 * adapter when REDIS_URL is set (or the in-memory one), 64 KB frames, the Origin allow-list, connection state
 * recovery (guarded by the gateway: see `guardRecovery`) and corked WebSocket writes. The server is registered with
 * `RealtimeServer`, which fans domain events out through it.
 */
export class EnlaceIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly realtime: RealtimeServer,
    private readonly config: AppConfig,
  ) {
    super(app);
    shareGatewayHandlers();
  }

  override createIOServer(_port: number, options?: Partial<ServerOptions>): Server {
    if (!this.httpServer) throw new Error('the socket.io gateway needs the HTTP server of the API');
    const allowed = new Set(this.config.allowedOrigins);
    return this.realtime.createServer(this.httpServer, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: MAX_FRAME_BYTES,
      cors: { origin: this.config.allowedOrigins, credentials: false },
      // Browsers send Origin; a browser from elsewhere is refused. Clients that send none (scripts) are allowed.
      allowRequest: (req: IncomingMessage, cb) => {
        const origin = req.headers.origin;
        cb(origin && !allowed.has(origin) ? 'ORIGIN_NOT_ALLOWED' : null, !origin || allowed.has(origin));
      },
      // Middlewares (authentication) run on a recovered connection too; replay itself is guarded by the gateway.
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS, skipMiddlewares: false },
      pingInterval: 20_000,
      pingTimeout: 20_000,
    });
  }

  private readonly fail = (error: unknown) => this.logger.error(error);
  /** Per namespace: each client event's handler, as Nest built it (see `bindGatewayHandlers`). */
  private readonly routes = new Map<string, Map<string, Route>>();
  /** The one `onAny` listener of every socket (socket.io calls it with the socket as `this`). */
  private readonly onPacket = (() => {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const adapter = this;
    return function (this: Socket, event: unknown, ...args: unknown[]) {
      adapter.route(this, event, args);
    };
  })();

  /** As Nest's, with a plain listener instead of `once` and a wrapper: a socket disconnects once. */
  override bindClientDisconnect(client: Socket, callback: (reason: unknown) => void): void {
    client.on('disconnect', callback);
  }

  /** Not used: Nest hands this adapter its gateways' handlers unbound (`bindGatewayHandlers`). */
  override bindMessageHandlers(): void {
    throw new Error('EnlaceIoAdapter binds handlers once per gateway (bindGatewayHandlers), not per socket');
  }

  /**
   * A gateway's handlers for a new socket (called by Nest through `shareGatewayHandlers` instead of binding each
   * handler to each socket). Nest's IoAdapter would pass every packet of every socket through rxjs (`fromEvent`,
   * `mergeMap`, `defer`, `filter`, `takeUntil`: a subscription per event per socket, several operator objects per
   * packet, which cost more CPU than validating and storing a message). Here, with the same contract: the handler's
   * result answers through the ack (or is emitted when it names an `event`), nothing is answered for `undefined` (the
   * WS exception filter has answered), a handler that returns an Observable is subscribed, and a failure is logged
   * without ever ending the socket's listening.
   *
   * The handlers are kept once per namespace, and every socket has one listener, the same function for all (`onAny`,
   * called before socket.io's own dispatch): it runs the namespace's packet guard (see `guardPackets`), then the
   * event's handler with the socket. An idle socket holds no handler, listener table or middleware of its own.
   */
  bindGatewayHandlers(socket: Socket, handlers: MessageMappingProperties[]): void {
    let routes = this.routes.get(socket.nsp.name);
    if (!routes) this.routes.set(socket.nsp.name, (routes = new Map()));
    for (const { message, callback, isAckHandledManually } of handlers) {
      const route = routes.get(message as string);
      if (!route) routes.set(message as string, { callback, manualAck: !!isAckHandledManually });
      else if (route.callback !== callback)
        // a second gateway on the namespace handling the same event: only the first is served (Nest ran both)
        this.logger.error(
          `two gateways handle socket event ${String(message)} in namespace ${socket.nsp.name}`,
        );
    }
    addAnyListener(socket, 'in', this.onPacket);
  }

  private route(socket: Socket, event: unknown, args: unknown[]): void {
    try {
      const guard = guards.get(socket.nsp);
      if (guard && !guard(socket, event, args)) return;
    } catch (error) {
      return this.fail(error);
    }
    const route = typeof event === 'string' ? this.routes.get(socket.nsp.name)?.get(event) : undefined;
    if (route) this.dispatch(socket, route.callback, route.manualAck, args);
  }

  private dispatch(socket: Socket, callback: Handler, manualAck: boolean, args: unknown[]): void {
    const { data, ack } = this.mapPayload(args);
    const reply = manualAck ? undefined : ack;
    let result: unknown;
    try {
      result = callback(socket, data, ack);
    } catch (error) {
      return this.fail(error);
    }
    Promise.resolve(result).then((response) => {
      if (isObservable(response))
        response.subscribe({ next: (r) => answer(socket, r, reply), error: this.fail });
      else answer(socket, response, reply);
    }, this.fail);
  }
}

/**
 * Checked before the handler of every client event of a namespace (rate limit, unknown events, the payload's arity):
 * `args` are the event's arguments, its ack callback last when it has one. False (after answering, if it wants) drops
 * the event. One function for the namespace, not a middleware per socket.
 */
export type PacketGuard = (socket: Socket, event: unknown, args: unknown[]) => boolean;
const guards = new WeakMap<Namespace, PacketGuard>();

/** Installs the namespace's packet guard (the gateway's, in `afterInit`). */
export function guardPackets(nsp: Namespace, guard: PacketGuard): void {
  guards.set(nsp, guard);
}

/** A handler as Nest builds it (`WsContextCreator`: filters, pipes, guards, interceptors): the socket comes first. */
type Handler = (socket: Socket, data: unknown, ack?: unknown) => unknown;

interface Route {
  callback: Handler;
  manualAck: boolean;
}

const PATCHED = Symbol.for('enlace.sharedGatewayHandlers');
interface NestWebSocketsController {
  config: { getIoAdapter(): unknown };
  subscribeMessages(handlers: MessageMappingProperties[], client: unknown, instance: unknown): void;
  [PATCHED]?: true;
}

/**
 * Nest binds each gateway handler to each socket (`WebSocketsController.subscribeMessages`: `callback.bind(instance,
 * client)` for every event) and hands the adapter the bound functions, which it must keep for the socket's life:
 * nine per socket here, 0.7 KB per idle socket (bench:sockets). The handlers Nest builds are arrow functions that take
 * the socket first (`this` is not theirs), so calling one with the socket is the same call. For an app whose adapter
 * is `EnlaceIoAdapter`, Nest hands it the handlers unbound (`bindGatewayHandlers`); any other adapter gets Nest's own
 * binding. Checked when the adapter is created: if Nest no longer binds that way, the service refuses to start.
 */
function shareGatewayHandlers(): void {
  const proto = WebSocketsController.prototype as unknown as NestWebSocketsController;
  if (proto[PATCHED]) return;
  const original = proto.subscribeMessages;
  if (typeof original !== 'function' || !/callback\.bind\(instance, client\)/.test(String(original)))
    throw new Error('@nestjs/websockets changed: gateway handlers cannot be shared; refusing to start');
  proto.subscribeMessages = function (this: NestWebSocketsController, handlers, client, instance) {
    const adapter = this.config.getIoAdapter();
    if (adapter instanceof EnlaceIoAdapter) adapter.bindGatewayHandlers(client as Socket, handlers);
    else original.call(this, handlers, client, instance);
  };
  proto[PATCHED] = true;
}

/** A handler's result: emitted when it names an `event`, else the ack's answer; nothing for `undefined`. */
function answer(socket: Socket, response: any, ack: unknown): void {
  if (response === undefined || response === null) return;
  if (response.event) socket.emit(response.event, response.data);
  else if (typeof ack === 'function') ack(response);
}
