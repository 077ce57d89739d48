import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients. */
  to: string[];
  parsed: ParsedMail;
  messageId: string;
  raw: Buffer;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/**
 * A real SMTP server (the `smtp-server` package) on a random loopback port. A message counts as received only
 * once the server has accepted it (answered 250 to DATA). `hold(n)` keeps the n-th message unanswered until
 * `release()` or until the client goes away, as a worker killed mid-delivery does (then it was never accepted).
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  private server!: SMTPServer;
  private port = 0;
  private dataCount = 0;
  private waiters: Waiter[] = [];
  private holdAt?: number;
  private holdFrom?: number;
  private heldCallback?: (err?: Error | null) => void;
  private heldResolve?: () => void;
  /** Resolves when the held message has arrived (and is waiting for its answer). */
  held: Promise<void> = Promise.resolve();

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestSmtpServer> {
    const s = new TestSmtpServer();
    s.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 1000,
      size: 5 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const n = ++s.dataCount;
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          const accept = () => {
            simpleParser(raw)
              .then((parsed) => {
                s.messages.push({ to, parsed, raw, messageId: parsed.messageId ?? '' });
                callback(null);
                s.notify();
              })
              .catch((e: Error) => callback(e));
          };
          if (s.holdFrom !== undefined && n >= s.holdFrom) {
            if (n === s.holdFrom) s.heldResolve?.();
            return; // never answered: the client gives up (or is killed) and the message was not accepted
          }
          if (s.holdAt === n) {
            s.heldCallback = (err) => (err ? callback(err) : accept());
            s.heldResolve?.();
            return;
          }
          accept();
        });
      },
    });
    s.server.on('error', () => undefined);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', () => resolve()));
    s.port = (s.server.server.address() as any).port;
    return s;
  }

  /** Holds the n-th message (1-based, counted from the start of the server). */
  hold(n: number): void {
    this.holdAt = n;
    this.held = new Promise<void>((resolve) => (this.heldResolve = resolve));
  }

  /**
   * Holds every message from the n-th on (none is answered, so none is accepted) until `stopHolding()`: a worker
   * killed then has nothing between an accepted message and its record. `held` resolves at the n-th.
   */
  holdAllFrom(n: number): void {
    this.holdFrom = n;
    this.held = new Promise<void>((resolve) => (this.heldResolve = resolve));
  }

  /** Accepts messages again (those held stay unanswered: their senders are gone). */
  stopHolding(): void {
    this.holdFrom = undefined;
  }

  /** Answers the held message (accepting it). */
  release(): void {
    const cb = this.heldCallback;
    this.heldCallback = undefined;
    this.holdAt = undefined;
    cb?.();
  }

  /** Messages whose text, HTML or subject contains `needle`. */
  matching(needle: string): ReceivedMail[] {
    return this.messages.filter(
      (m) =>
        (m.parsed.subject ?? '').includes(needle) ||
        (m.parsed.text ?? '').includes(needle) ||
        String(m.parsed.html || '').includes(needle),
    );
  }

  /** Resolves once `check()` holds (checked now and after every accepted message); rejects after `timeoutMs`. */
  waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `SMTP: timed out after ${timeoutMs} ms waiting for ${what} (${this.messages.length} received)`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  async close(): Promise<void> {
    this.heldCallback = undefined;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
