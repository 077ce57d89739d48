import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SocketSessions } from './socket-sessions.js';

/** How often each API process checks that the sessions of its live sockets still work. */
export const SESSION_SWEEP_MS = 5_000;

/**
 * Ends, within seconds, the live sockets of sessions that stopped working without an `access.changed` notice
 * reaching this process: an account disabled from the operator CLI (which has no socket.io server), a session
 * revoked while Redis was unreachable. Changes made through the API end sockets at once (`access.changed`); this is
 * the safety net under it.
 */
@Injectable()
export class SessionSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Gateway');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly sessions: SocketSessions) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), SESSION_SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const ended = await this.sessions.endRevoked();
      if (ended) this.logger.log(`ended ${ended} socket(s) whose session no longer works`);
    } catch (e: any) {
      this.logger.warn(`checking the sessions of live sockets failed: ${e?.message ?? e}`);
    } finally {
      this.running = false;
    }
  }
}
