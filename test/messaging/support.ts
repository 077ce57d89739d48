import { randomUUID } from 'node:crypto';
import { io, type Socket, type ManagerOptions, type SocketOptions } from 'socket.io-client';

export type ClientSocket = Socket;

/** Connects a real socket.io client with the access token; rejects with the connect_error message. */
export function connect(
  url: string,
  token: string | undefined,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: token === undefined ? {} : { token },
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

export interface Ack<T = any> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; details?: Array<{ field?: string; message: string }> };
}

/** Emits an event and resolves with its ack (rejects if none comes within the timeout). */
export function call<T = any>(
  socket: ClientSocket,
  event: string,
  payload: unknown,
  timeoutMs = 15_000,
): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** Collects every payload of one event on a socket; wait for a count or a condition (event-driven, no sleeps). */
export class Collector<T = any> {
  readonly items: T[] = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  constructor(
    readonly socket: ClientSocket,
    readonly event: string,
  ) {
    socket.on(event, (payload: T) => {
      this.items.push(payload);
      this.waiters = this.waiters.filter((w) => {
        if (!w.check()) return true;
        w.resolve();
        return false;
      });
    });
  }

  until(check: (items: T[]) => boolean, timeoutMs = 30_000, what = this.event): Promise<T[]> {
    if (check(this.items)) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what} (have ${this.items.length})`)),
        timeoutMs,
      );
      this.waiters.push({
        check: () => check(this.items),
        resolve: () => {
          clearTimeout(timer);
          resolve(this.items);
        },
      });
    });
  }

  count(n: number, timeoutMs?: number): Promise<T[]> {
    return this.until((items) => items.length >= n, timeoutMs, `${n} × ${this.event}`);
  }
}

export const collect = <T = any>(socket: ClientSocket, event: string) => new Collector<T>(socket, event);

export const cid = () => randomUUID();

/** Resolves when the socket disconnects, with the reason. */
export function disconnected(socket: ClientSocket, timeoutMs = 30_000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for disconnect')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}
