import type { Socket } from 'socket.io';

type AnyListener = (...args: any[]) => void;

/**
 * `socket.onAny` (incoming) or `socket.onAnyOutgoing`, with the socket's list of such listeners made as an array of
 * exactly one: socket.io starts an empty array and pushes, and V8 gives a pushed-to empty array room for 16 (0.15 KB
 * for each socket, per list: bench:sockets). Where the socket already has such a list, or socket.io keeps it under
 * another name, the public method adds the listener instead.
 */
export function addAnyListener(socket: Socket, direction: 'in' | 'out', listener: AnyListener): void {
  const fields = socket as unknown as Record<string, AnyListener[] | undefined>;
  const field = direction === 'in' ? '_anyListeners' : '_anyOutgoingListeners';
  if (fields[field] === undefined) fields[field] = [listener];
  const listeners = direction === 'in' ? socket.listenersAny() : socket.listenersAnyOutgoing();
  if (listeners.includes(listener)) return;
  if (direction === 'in') socket.onAny(listener);
  else socket.onAnyOutgoing(listener);
}
