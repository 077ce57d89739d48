import { io, type Socket } from 'socket.io-client';
import { cid } from '../messaging/support.js';

export interface SeenMessage {
  id: string;
  seq: number;
  clientMessageId: string;
  body: string;
}

/**
 * An officer's client as the web client behaves: one socket.io connection that reconnects by itself (to the next API
 * process when its own is gone, as a load balancer would send it), catches up with `sync` from its last contiguous
 * `seq` when the connection was not recovered, and resends an unacknowledged message with the same
 * `clientMessageId`. It records every live delivery so the test can tell "once" from "twice".
 */
export class FaultClient {
  readonly socket: Socket;
  /** seq → message, as the client would show it (live deliveries and sync pages together). */
  readonly view = new Map<number, SeenMessage>();
  /** How often each message id arrived as a live `message.created` (once; see `expectChannelIntact`). */
  readonly live = new Map<string, number>();
  /** Two different messages claiming one seq (must stay empty). */
  readonly conflicts: string[] = [];
  /** Acknowledged sends: clientMessageId → the stored message's id and seq. */
  readonly acked = new Map<string, { id: string; seq: number }>();
  lastSeq = 0;
  reconnects = 0;
  recovered = 0;
  private urlIndex: number;
  private catchingUp: Promise<void> = Promise.resolve();
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly urls: string[],
    token: string,
    readonly channelId: string,
    start: number,
  ) {
    this.urlIndex = start % urls.length;
    this.socket = io(urls[this.urlIndex], {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      auth: { token },
      reconnection: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      randomizationFactor: 0.5,
    });
    this.socket.on('message.created', (m: any) => {
      if (m.channelId !== channelId) return;
      this.live.set(m.id, (this.live.get(m.id) ?? 0) + 1);
      this.record(m);
    });
    // a process that does not answer: try the next one (what a load balancer does for a dead upstream)
    this.socket.io.on('reconnect_error', () => {
      this.urlIndex = (this.urlIndex + 1) % this.urls.length;
      (this.socket.io as any).uri = this.urls[this.urlIndex];
    });
    this.socket.on('connect', () => {
      if (!this.everConnected) {
        this.everConnected = true;
      } else {
        this.reconnects++;
        if (this.socket.recovered) this.recovered++;
        else this.catchingUp = this.catchUp();
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }
  private everConnected = false;

  static open(urls: string[], token: string, channelId: string, start = 0): Promise<FaultClient> {
    const c = new FaultClient(urls, token, channelId, start);
    return new Promise((resolve, reject) => {
      const failed = (e: Error) => {
        c.close();
        reject(e);
      };
      c.socket.once('connect_error', failed);
      c.socket.once('connect', () => {
        // later connect errors are the reconnection's own business
        c.socket.off('connect_error', failed);
        resolve(c);
      });
    });
  }

  get url(): string {
    return this.urls[this.urlIndex];
  }

  private record(m: SeenMessage): void {
    const had = this.view.get(m.seq);
    if (had && had.id !== m.id) this.conflicts.push(`seq ${m.seq}: ${had.id} and ${m.id}`);
    this.view.set(m.seq, m);
    while (this.view.has(this.lastSeq + 1)) this.lastSeq++;
  }

  private connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** `sync` from the last contiguous seq until complete. */
  async catchUp(): Promise<void> {
    for (;;) {
      await this.connected();
      let res: any;
      try {
        res = await this.socket
          .timeout(20_000)
          .emitWithAck('sync', { cursors: { [this.channelId]: this.lastSeq } });
      } catch {
        continue; // the connection went away mid-call: again on the next one
      }
      if (!res.ok) throw new Error(`sync failed: ${JSON.stringify(res.error)}`);
      for (const m of res.data.messages) if (m.channelId === this.channelId) this.record(m);
      if (res.data.complete) return;
    }
  }

  /** Waits for a catch-up started by a reconnect, then catches up once more (the final view). */
  async settle(): Promise<void> {
    await this.catchingUp;
    await this.catchUp();
  }

  /**
   * Sends until acknowledged: a send cut by a lost connection goes again, with the same clientMessageId, on the
   * next connection. Resolves with the ack's message.
   */
  async send(body: string, clientMessageId = cid()): Promise<{ id: string; seq: number }> {
    for (let attempt = 0; attempt < 50; attempt++) {
      await this.connected();
      let onLost = () => undefined as void;
      const lost = new Promise<'lost'>((resolve) => (onLost = () => resolve('lost')));
      this.socket.once('disconnect', onLost);
      const ack = this.socket
        .timeout(20_000)
        .emitWithAck('message.send', { channelId: this.channelId, body, clientMessageId })
        .catch(() => 'lost' as const);
      const res: any = await Promise.race([ack, lost]);
      this.socket.off('disconnect', onLost);
      if (res === 'lost') continue;
      if (res.ok) {
        const stored = { id: res.data.id as string, seq: res.data.seq as number };
        this.acked.set(clientMessageId, stored);
        return stored;
      }
      if (res.error?.code === 'RATE_LIMITED' || res.error?.code === 'SERVICE_UNAVAILABLE') {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      throw new Error(`message.send refused: ${JSON.stringify(res.error)}`);
    }
    throw new Error(`message ${clientMessageId} never acknowledged`);
  }

  /** The seqs 1..n this client can show, as ids in seq order (the view the assertions compare). */
  seqs(): number[] {
    return [...this.view.keys()].sort((a, b) => a - b);
  }

  duplicateLiveDeliveries(): Array<{ id: string; times: number }> {
    return [...this.live].filter(([, n]) => n > 1).map(([id, times]) => ({ id, times }));
  }

  close(): void {
    this.socket.close();
  }
}
