import { Catch, Logger, type ArgumentsHost, type WsExceptionFilter } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { InvalidPayload } from './dto-payload.pipe.js';
import { MAX_STRIKES } from './socket-packet.guard.js';
import { SocketSessions } from './socket-sessions.js';
import { toAckError } from './ws-error.js';

/**
 * The one WS exception filter: whatever a `@SubscribeMessage` handler (or its pipe) throws is answered through the
 * event's ack as `{ok:false,error:{code,message,details?}}` in the caller's locale, never as a stack trace. An invalid
 * payload counts a strike, like the refusals of the packet guard.
 */
@Catch()
export class WsAckExceptionFilter implements WsExceptionFilter {
  private readonly logger = new Logger('Gateway');

  constructor(private readonly sessions: SocketSessions) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const socket = host.getArgByIndex<Socket>(0);
    const ack = host.getArgByIndex<unknown>(2);
    const state = socket ? this.sessions.state(socket) : undefined;
    if (state && exception instanceof InvalidPayload) {
      state.strikes += 1;
      if (state.strikes >= MAX_STRIKES) socket.disconnect(true);
    }
    if (typeof ack === 'function') ack(toAckError(exception, state?.principal.locale ?? 'en', this.logger));
  }
}
