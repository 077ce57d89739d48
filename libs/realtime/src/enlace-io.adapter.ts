import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { isObservable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '#config';
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
  /** The listeners shared by every socket, one per handler position and event (see `bindMessageHandlers`). */
  private readonly listeners = new Map<string, (this: Socket, ...args: unknown[]) => void>();

  /**
   * Nest's IoAdapter passes every packet of every socket through rxjs (`fromEvent`, `mergeMap`, `defer`, `filter`,
   * `takeUntil`): a subscription per event name per socket, and several operator objects per packet, which cost the
   * gateway more CPU than validating and storing a message. The gateway's handlers return promises, so they are bound
   * here as plain listeners with the same contract: the handler's result answers through the ack (or is emitted when
   * it names an `event`), nothing is answered for `undefined` (the WS exception filter has answered), a handler that
   * returns an Observable is subscribed, and a failure is logged without ever removing the socket's listeners.
   *
   * Each socket keeps only the array of the handlers Nest bound to it; the listeners themselves are shared by every
   * socket (a socket.io listener is called with the socket as `this`), which spares each idle socket a closure and
   * its context per event (~1 KB in all: bench:sockets).
   */
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => unknown,
  ): void {
    const earlier = (socket as SocketWithHandlers)[HANDLERS] ?? [];
    handlers.forEach(({ message, isAckHandledManually }, i) =>
      socket.on(message as string, this.listener(earlier.length + i, !!isAckHandledManually)),
    );
    (socket as SocketWithHandlers)[HANDLERS] = [...earlier, ...handlers.map((h) => h.callback)];
  }

  private listener(index: number, manualAck: boolean): (this: Socket, ...args: unknown[]) => void {
    const key = `${index}:${manualAck}`;
    let listener = this.listeners.get(key);
    if (!listener) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const adapter = this;
      listener = function (this: Socket, ...args: unknown[]) {
        adapter.dispatch(this, (this as SocketWithHandlers)[HANDLERS]![index], manualAck, args);
      };
      this.listeners.set(key, listener);
    }
    return listener;
  }

  private dispatch(socket: Socket, callback: Handler, manualAck: boolean, args: unknown[]): void {
    const { data, ack } = this.mapPayload(args);
    const reply = manualAck ? undefined : ack;
    let result: unknown;
    try {
      result = callback(data, ack);
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

type Handler = MessageMappingProperties['callback'];
/** Where a socket keeps the handlers Nest bound to it, in the order of the shared listeners' positions. */
const HANDLERS = Symbol('enlace.handlers');
type SocketWithHandlers = Socket & { [HANDLERS]?: Handler[] };

/** A handler's result: emitted when it names an `event`, else the ack's answer; nothing for `undefined`. */
function answer(socket: Socket, response: any, ack: unknown): void {
  if (response === undefined || response === null) return;
  if (response.event) socket.emit(response.event, response.data);
  else if (typeof ack === 'function') ack(response);
}
