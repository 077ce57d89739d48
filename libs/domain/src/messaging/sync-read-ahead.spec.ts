import { jest } from '@jest/globals';
import type { AccessScope } from './channel-access.policy.js';
import type { MessageSyncRepository, SyncChunk, SyncRange } from './message-sync.repository.js';
import { READ_AHEAD_MAX, READ_AHEAD_MS, SyncReadAhead } from './sync-read-ahead.js';

/** A repository that renders who read the page into it, with a signature the test changes. */
function fakeRows() {
  let signature = 'v1';
  const page = jest.fn(async (ranges: SyncRange[], scope: AccessScope): Promise<SyncChunk[]> =>
    ranges.map((r) => ({ ...r, count: r.toSeq - r.fromSeq + 1, json: `"for ${scope.userId}"` })),
  );
  const rows = { page, signature: jest.fn(async () => signature) };
  return { rows: rows as unknown as MessageSyncRepository, page, change: (s: string) => (signature = s) };
}

const scope = (userId: string, country = 'GT'): AccessScope => ({
  userId,
  staff: false,
  memberNetworkIds: ['n1'],
  officerNetworkIds: ['n1'],
  country,
});
const ranges = (channelId = 'c1'): SyncRange[] => [
  { channelId, fromSeq: 5001, toSeq: 5050, threadCaseId: null },
];
const cursors: Array<[string, number]> = [['c1', 5000]];

describe('SyncReadAhead: the next sync page read ahead', () => {
  afterEach(() => jest.useRealTimers());

  it('serves the page once, to the same scope asking for the same ranges', async () => {
    const { rows, page } = fakeRows();
    const ahead = new SyncReadAhead(rows);
    ahead.start(scope('ana'), cursors, ranges(), 1000);
    expect((await ahead.page(scope('ana'), ranges(), 1000))[0].json).toBe('"for ana"');
    expect(page).toHaveBeenCalledTimes(1);
    await ahead.page(scope('ana'), ranges(), 1000);
    expect(page).toHaveBeenCalledTimes(2);
  });

  it("never serves one user's page to another, nor to the same user with another scope", async () => {
    const { rows, page } = fakeRows();
    const ahead = new SyncReadAhead(rows);
    ahead.start(scope('ana'), cursors, ranges(), 1000);
    expect((await ahead.page(scope('bea'), ranges(), 1000))[0].json).toBe('"for bea"');
    expect((await ahead.page(scope('ana', 'MX'), ranges(), 1000))[0].json).toBe('"for ana"');
    // read ahead for ana (GT), then read again for bea and for ana as MX
    expect(page).toHaveBeenCalledTimes(3);
    expect(ahead.size).toBe(1);
  });

  it('reads again when the ranges planned afresh differ (a channel lost or grown) or what the page shows changed', async () => {
    const { rows, page, change } = fakeRows();
    const ahead = new SyncReadAhead(rows);
    ahead.start(scope('ana'), cursors, ranges(), 1000);
    await ahead.page(scope('ana'), [{ ...ranges()[0], toSeq: 5051 }], 1000);
    expect(page).toHaveBeenCalledTimes(2);
    // the page read ahead for 5001–5050 is still there (nobody asked for it): now what it shows changes
    change('v2');
    await ahead.page(scope('ana'), ranges(), 1000, ahead.expect(scope('ana'), cursors));
    expect(page).toHaveBeenCalledTimes(3);
  });

  it('keeps at most READ_AHEAD_MAX pages, each at most READ_AHEAD_MS', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const { rows, page } = fakeRows();
    const ahead = new SyncReadAhead(rows);
    for (let i = 0; i < READ_AHEAD_MAX + 5; i++) ahead.start(scope('ana'), cursors, ranges(`c${i}`), 1000);
    expect(ahead.size).toBe(READ_AHEAD_MAX);
    jest.advanceTimersByTime(READ_AHEAD_MS + 200);
    expect(ahead.size).toBe(0);
    await ahead.page(scope('ana'), ranges('c0'), 1000);
    // read ahead, then read again: the page read ahead had expired
    expect(page.mock.calls.filter(([r]) => r[0].channelId === 'c0')).toHaveLength(2);
  });
});
