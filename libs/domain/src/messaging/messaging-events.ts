import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Room changes the realtime layer applies to live sockets on every API process, in publication order with the
 * `realtime.emit` events (so a socket joins a new case's room before the `case.created` sent there).
 */
export interface MessagingEventMap {
  /** Sockets in any of `targets` join `rooms`. */
  'rooms.join': { targets: string[]; rooms: string[] };
  /** Sockets in any of `targets`, except those also in a room of `except`, leave `rooms`. */
  'rooms.leave': { targets: string[]; except?: string[]; rooms: string[] };
}

@Injectable()
export class MessagingEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(50);

  publish<K extends keyof MessagingEventMap>(name: K, payload: MessagingEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof MessagingEventMap>(
    name: K,
    listener: (payload: MessagingEventMap[K]) => void,
  ): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
