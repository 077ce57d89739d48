import type { Namespace } from 'socket.io';
import type { ServerEvent } from './server-events.js';
import { fromSocketIo } from './socket-io-modules.js';

/**
 * Server events that are not kept for connection state recovery: they only matter as they happen. A recovered client
 * watches presence again (and gets who is online now: `presence.watch`), and a replayed `typing` is stale.
 */
export const EPHEMERAL_EVENTS: ReadonlySet<ServerEvent> = new Set<ServerEvent>(['presence', 'typing']);

type Packet = { type: number; id?: number; data?: unknown[] };
interface AdapterClass {
  new (nsp: Namespace): { broadcast(packet: Packet, opts: unknown): void };
  prototype: { broadcast(packet: Packet, opts: unknown): void };
}

/**
 * The in-memory adapter of a single API process (no REDIS_URL): socket.io's own, which keeps every event it broadcasts
 * for `maxDisconnectionDuration` (2 minutes) so that a reconnecting client can be sent what it missed, except the
 * `EPHEMERAL_EVENTS`. Each user coming online broadcasts `presence`: kept, a thousand users connecting would hold a
 * thousand packets (0.7 KB each, with their room sets) for two minutes (bench:sockets).
 */
export function inMemoryAdapter(): AdapterClass {
  const { Adapter, SessionAwareAdapter } = fromSocketIo('socket.io-adapter') as {
    Adapter: AdapterClass;
    SessionAwareAdapter: AdapterClass;
  };
  const EVENT = 2;
  return class EphemeralAwareAdapter extends SessionAwareAdapter {
    override broadcast(packet: Packet, opts: unknown): void {
      if (packet.type === EVENT && EPHEMERAL_EVENTS.has(packet.data?.[0] as ServerEvent))
        return Adapter.prototype.broadcast.call(this, packet, opts);
      super.broadcast(packet, opts);
    }
  };
}
