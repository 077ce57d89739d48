import { ChannelLog } from '../../apps/web/src/realtime/channel-log.js';
import type { Message } from '../../apps/web/src/api/types.js';

const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  channelId: 'c1',
  caseId: null,
  seq,
  author: { id: 'u1', displayName: 'Ana', country: 'GT' },
  body: `message ${seq}`,
  priority: 'normal',
  requestAck: false,
  clientMessageId: `c${seq}`,
  createdAt: new Date(2026, 0, 1, 0, seq).toISOString(),
  editedAt: null,
  deleted: false,
  ...extra,
});
const seqs = (log: ChannelLog) => log.messages.map((m) => m.seq);

/** The web client's per-channel message log: each seq once, gaps reported so the missing ones are fetched. */
describe('ChannelLog (web client)', () => {
  it('merges live events, sync answers and our own acks by seq: nothing twice', () => {
    const log = new ChannelLog();
    log.reset([msg(1), msg(2), msg(3)]);
    expect(log.merge([msg(4)])).toBeNull();
    expect(log.merge([msg(4), msg(3), msg(5)])).toBeNull();
    expect(seqs(log)).toEqual([1, 2, 3, 4, 5]);
    expect(log.lastSeq).toBe(5);
  });

  it('a jump in seq is held back and reported; the fetched messages close the gap in order', () => {
    const log = new ChannelLog();
    log.reset([msg(1), msg(2)]);
    expect(log.merge([msg(5)])).toBe(2);
    expect(seqs(log)).toEqual([1, 2]);
    expect(log.merge([msg(3)])).toBe(3);
    expect(log.merge([msg(4), msg(5)])).toBeNull();
    expect(seqs(log)).toEqual([1, 2, 3, 4, 5]);
  });

  it('seqs the retention purge removed are skipped once sync starts the channel later, not fetched forever', () => {
    const log = new ChannelLog();
    log.reset([]); // every message of the channel was purged: the latest page is empty
    expect(log.merge([msg(101)])).toBe(0); // a live message: seqs 1–100 look missing
    log.skipAbsent(0, 101); // sync from 0 answers 101 first: 1–100 no longer exist
    expect(log.merge([msg(101)])).toBeNull();
    expect(log.merge([msg(102)])).toBeNull();
    expect(seqs(log)).toEqual([101, 102]);
    log.skipAbsent(50, 90); // an older answer changes nothing
    expect(log.lastSeq).toBe(102);
  });

  it('pages upward until the first message', () => {
    const log = new ChannelLog();
    log.reset([msg(51), msg(52)]);
    expect(log.hasOlder).toBe(true);
    log.prepend([msg(49), msg(50)]);
    expect(seqs(log)).toEqual([49, 50, 51, 52]);
    log.prepend([msg(1)]);
    expect(log.hasOlder).toBe(false);
  });

  it('an empty channel takes its first message; edits and tombstones replace in place, never resurrect', () => {
    const log = new ChannelLog();
    log.reset([]);
    expect(log.merge([msg(1)])).toBeNull();
    expect(seqs(log)).toEqual([1]);
    log.merge([msg(1, { body: 'edited', editedAt: '2026-01-02T00:00:00.000Z' })]);
    expect(log.messages[0].body).toBe('edited');
    log.update('m1', (m) => ({ ...m, body: '', deleted: true }));
    log.merge([msg(1, { body: 'old copy from a late sync' })]);
    expect(log.messages[0].deleted).toBe(true);
    expect(log.messages).toHaveLength(1);
  });
});
