import { WebSocket } from 'ws';

/**
 * A minimal socket.io client (engine.io v4 over WebSocket, socket.io protocol v5) for the benchmark: it reads only
 * what the measurement needs (the clientMessageId of `message.created`, the `ok` of acks) without parsing JSON, so
 * one process can play hundreds of readers receiving tens of thousands of messages a second. The same client is used
 * against Enlace and against the bare socket.io server.
 */
export class LiteClient {
  private ws!: WebSocket;
  private nextAck = 0;
  private readonly acks = new Map<number, (ok: boolean) => void>();
  onCreated: ((clientMessageId: string) => void) | null = null;
  /** Events received by every client of this process, by name (what else a server sends besides the measured one). */
  static readonly received = new Map<string, number>();
  /** The first message.created frame received, as it came on the wire. */
  static sample = '';

  static connect(url: string, auth: object): Promise<LiteClient> {
    const c = new LiteClient();
    return c.open(url, auth).then(() => c);
  }

  private open(url: string, auth: object): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        perMessageDeflate: false,
      });
      this.ws = ws;
      let connected = false;
      ws.on('error', (e) => (connected ? undefined : reject(e)));
      ws.on('close', () => {
        if (!connected) reject(new Error('closed before connect'));
        for (const cb of this.acks.values()) cb(false);
        this.acks.clear();
      });
      ws.on('message', (data) => {
        const s = data.toString();
        const t = s.charCodeAt(0);
        if (t === 50 /* 2 ping */) return ws.send('3');
        if (t === 48 /* 0 open */) return ws.send(`40${JSON.stringify(auth)}`);
        if (t !== 52 /* 4 message */) return;
        const kind = s.charCodeAt(1);
        if (kind === 50 /* 2 event */) {
          const name = s.slice(4, s.indexOf('"', 4));
          LiteClient.received.set(name, (LiteClient.received.get(name) ?? 0) + 1);
          if (name === 'message.created' && !LiteClient.sample) LiteClient.sample = s;
          if (s.startsWith('42["message.created"') && this.onCreated) {
            const i = s.indexOf('"clientMessageId":"');
            if (i >= 0) this.onCreated(s.slice(i + 19, s.indexOf('"', i + 19)));
          }
        } else if (kind === 51 /* 3 ack */) {
          const bracket = s.indexOf('[');
          const id = Number(s.slice(2, bracket));
          const cb = this.acks.get(id);
          if (cb) {
            this.acks.delete(id);
            cb(s.startsWith('{"ok":true', bracket + 1));
          }
        } else if (kind === 48 /* 0 connect */) {
          connected = true;
          resolve();
        } else if (kind === 52 /* 4 connect error */) {
          reject(new Error(`connect_error ${s.slice(2)}`));
        }
      });
    });
  }

  /** Emits an event with an ack; resolves with whether the ack said ok (false on timeout or close). */
  emit(event: string, payload: unknown, timeoutMs = 30_000): Promise<boolean> {
    const id = this.nextAck++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        resolve(false);
      }, timeoutMs);
      this.acks.set(id, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }
}
