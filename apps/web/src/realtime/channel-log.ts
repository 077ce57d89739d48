import type { Message } from '../api/types.js';

/**
 * The messages of one channel that this client holds: a contiguous run of seqs from `firstSeq` to `lastSeq`
 * (seq is 1, 2, 3, … with no gaps on the server). Whatever arrives (live events, pages, sync answers, our own
 * acks) is merged by seq, so nothing is ever shown twice; a message past `lastSeq + 1` waits in `ahead` and the
 * log reports the gap so the missing seqs are fetched, so nothing is lost either.
 */
export class ChannelLog {
  private bySeq = new Map<number, Message>();
  private ahead = new Map<number, Message>();
  firstSeq = 0;
  lastSeq = 0;
  /** False once the first message (seq 1) is held. */
  hasOlder = true;
  loaded = false;

  get messages(): Message[] {
    const out: Message[] = [];
    for (let s = this.firstSeq; s && s <= this.lastSeq; s++) {
      const m = this.bySeq.get(s);
      if (m) out.push(m);
    }
    return out;
  }

  /** The latest page (ascending): starts the log. */
  reset(page: Message[]): void {
    this.bySeq.clear();
    this.ahead.clear();
    this.firstSeq = page.length ? page[0].seq : 0;
    this.lastSeq = page.length ? page[page.length - 1].seq : 0;
    for (const m of page) this.bySeq.set(m.seq, m);
    this.hasOlder = this.firstSeq > 1;
    this.loaded = true;
  }

  /** An older page (ascending, ending right before `firstSeq`). */
  prepend(page: Message[]): void {
    for (const m of page) if (m.seq < this.firstSeq || !this.firstSeq) this.bySeq.set(m.seq, m);
    if (page.length) this.firstSeq = Math.min(this.firstSeq || page[0].seq, page[0].seq);
    this.hasOlder = page.length > 0 && this.firstSeq > 1;
  }

  /**
   * Merges messages (new or changed). Returns the seq after which messages are missing (a gap to fetch with
   * `afterSeq`), or null when the log is contiguous.
   */
  merge(messages: Message[]): number | null {
    for (const m of messages) {
      if (m.seq <= this.lastSeq) {
        if (m.seq >= this.firstSeq) this.bySeq.set(m.seq, newer(this.bySeq.get(m.seq), m));
      } else {
        this.ahead.set(m.seq, newer(this.ahead.get(m.seq), m));
      }
    }
    while (this.ahead.has(this.lastSeq + 1)) {
      const next = this.ahead.get(this.lastSeq + 1)!;
      this.ahead.delete(next.seq);
      this.lastSeq = next.seq;
      if (!this.firstSeq) this.firstSeq = next.seq;
      this.bySeq.set(next.seq, next);
    }
    return this.ahead.size ? this.lastSeq : null;
  }

  /**
   * A sync answer from `cursor` starts this channel at `firstSeq`: the seqs between no longer exist on the server
   * (the retention purge removed them), so they are not a gap to fetch.
   */
  skipAbsent(cursor: number, firstSeq: number): void {
    if (this.lastSeq >= cursor && this.lastSeq < firstSeq - 1) this.lastSeq = firstSeq - 1;
  }

  /** A change to a message we may hold (edit, delete, ack): applied in place, never added. */
  update(id: string, change: (m: Message) => Message): boolean {
    for (const [seq, m] of this.bySeq) {
      if (m.id === id) {
        this.bySeq.set(seq, change(m));
        return true;
      }
    }
    return false;
  }
}

/** Of two copies of one message, the later edit wins (a tombstone stays a tombstone). */
function newer(a: Message | undefined, b: Message): Message {
  if (!a) return b;
  if (a.deleted && !b.deleted) return a;
  if ((a.editedAt ?? '') > (b.editedAt ?? '')) return a;
  return b;
}
