import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * What happened in the domain, published by services after their transaction commits. The realtime layer and the
 * queue layer subscribe; services never import socket.io or BullMQ.
 */
export interface DomainEventMap {
  /** A user's memberships, roles or account changed: live sockets re-evaluate their rooms. */
  'access.changed': { userIds: string[] };
  /** Sent to the rooms named: the realtime layer emits `event` with `payload` there. */
  'realtime.emit': { rooms: string[]; event: string; payload: unknown };
}

@Injectable()
export class DomainEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  publish<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends keyof DomainEventMap>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
