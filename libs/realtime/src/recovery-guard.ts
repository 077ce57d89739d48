import { Socket, type Namespace } from 'socket.io';

/** What a reconnecting socket brings back: the session socket.io kept for it (id, rooms, data). */
export interface RecoveredSession {
  sid: string;
  pid: string;
  rooms: string[];
  data: unknown;
  missedPackets: unknown[][];
}

/**
 * Decides, before anything is replayed, whether a reconnecting client may have its session back: it receives the
 * handshake `auth` (token, pid, offset) and the stored session, and answers true only when the token is valid now
 * and every room of the session is still one its user may be in.
 */
export type RecoveryCheck = (auth: Record<string, unknown>, session: RecoveredSession) => Promise<boolean>;

interface RecoverableNamespace {
  _createSocket(client: unknown, auth: Record<string, unknown>): Promise<Socket>;
}

/**
 * socket.io replays a recovered session's missed packets while it builds the socket, before any middleware (so
 * before authentication) runs. This hook takes over that step: the session is restored (and consumed) here, and
 * replayed only if `check` allows it; otherwise the client gets a fresh socket (its middleware then authenticates,
 * and it catches up with `sync`). Fails at start when socket.io no longer has the step it wraps.
 */
export function guardRecovery(nsp: Namespace, check: RecoveryCheck): void {
  const target = nsp as unknown as RecoverableNamespace;
  const original = target._createSocket;
  if (typeof original !== 'function')
    throw new Error('socket.io changed: connection state recovery cannot be guarded; refusing to start');
  target._createSocket = async function (client, auth) {
    const { pid, offset } = auth ?? {};
    if (typeof pid !== 'string' || typeof offset !== 'string')
      return original.call(target, client, auth ?? {});
    const fresh = { ...auth, pid: undefined, offset: undefined };
    let session: RecoveredSession | undefined;
    try {
      session = (await nsp.adapter.restoreSession(pid, offset)) as unknown as RecoveredSession | undefined;
    } catch {
      session = undefined; // unknown or expired session: a fresh socket
    }
    if (!session) return original.call(target, client, fresh);
    let allowed = false;
    try {
      allowed = await check(auth, session);
    } catch {
      allowed = false;
    }
    return allowed
      ? new Socket(nsp, client as never, auth, session as never)
      : original.call(target, client, fresh);
  };
}
