import type { Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import type { PacketGuard } from '#realtime';
import { DomainError, RateLimited, ValidationFailed } from '#domain';
import type { SocketState } from './socket-sessions.js';
import { toAckError } from './ws-error.js';

/** Per-socket token bucket: a burst, then a sustained rate of client events. */
export const RATE_BURST = 120;
export const RATE_PER_SECOND = 60;
/** Refused events in a row (rate limited or malformed) after which the socket is disconnected. */
export const MAX_STRIKES = 500;

function take(state: SocketState): boolean {
  const now = Date.now();
  state.tokens = Math.min(RATE_BURST, state.tokens + ((now - state.refilledAt) / 1000) * RATE_PER_SECOND);
  state.refilledAt = now;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}

/**
 * The packet guard of every socket, before any `@SubscribeMessage` handler (one function for all sockets: see
 * `guardPackets`): the per-socket rate limit, the refusal of unknown events, of events without an ack callback and of
 * anything but exactly one payload. A refused event is answered `{ok:false,error}` (when it has an ack) and counts a
 * strike; `MAX_STRIKES` in a row end the connection. Payload shapes are checked by each handler's pipe; a handled
 * event resets the strikes. A socket without a state (refused at connection, being disconnected) is served nothing.
 */
export function socketPacketGuard(
  stateOf: (socket: Socket) => SocketState | undefined,
  events: ReadonlySet<string>,
  logger: Logger,
): PacketGuard {
  return (socket, event, args) => {
    const state = stateOf(socket);
    if (!state) return false;
    const last = args.length - 1;
    const ack = typeof args[last] === 'function' ? (args[last] as (answer: unknown) => void) : undefined;
    const payloads = ack ? last : args.length;
    const no = (error: unknown) => {
      state.strikes += 1;
      if (ack) ack(toAckError(error, state.principal.locale, logger));
      if (state.strikes >= MAX_STRIKES) socket.disconnect(true);
      return false;
    };
    if (!take(state))
      return no(
        new RateLimited(1, {
          en: 'Too many events on this connection; slow down.',
          es: 'Demasiados eventos en esta conexión; vaya más despacio.',
        }),
      );
    if (typeof event !== 'string' || !events.has(event))
      return no(
        new DomainError('UNKNOWN_EVENT', 400, {
          en: `Unknown event: ${String(event).slice(0, 40)}.`,
          es: 'Evento desconocido.',
        }),
      );
    if (!ack)
      return no(
        new ValidationFailed([
          {
            field: 'ack',
            message: 'every event takes an acknowledgement callback',
            es: 'cada evento necesita una función de acuse (ack)',
          },
        ]),
      );
    if (payloads !== 1)
      return no(
        new ValidationFailed([
          { field: 'payload', message: 'must be exactly one object', es: 'debe ser exactamente un objeto' },
        ]),
      );
    return true;
  };
}
