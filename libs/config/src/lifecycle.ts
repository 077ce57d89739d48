/**
 * Where this process is in its life: `draining` from the moment it was asked to stop (SIGTERM) until it exits.
 * While draining, `/api/health` answers 503 so a load balancer sends nothing new here, HTTP answers close their
 * connection, and the realtime server has told its sockets to reconnect elsewhere.
 */
export class Lifecycle {
  private drainingSince?: number;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  startDraining(now = Date.now()): void {
    this.drainingSince ??= now;
  }
}
