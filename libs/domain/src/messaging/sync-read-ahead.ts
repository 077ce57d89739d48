import { Injectable } from '@nestjs/common';
import type { AccessScope } from './channel-access.policy.js';
import { MessageSyncRepository, type SyncChunk, type SyncRange } from './message-sync.repository.js';

/** A page read ahead is kept this long for the call that asks for it (a client asks within milliseconds). */
export const READ_AHEAD_MS = 5_000;
/** At most this many pages read ahead at once in a process (each up to SYNC_PAGE_BYTES); beyond, none is started. */
export const READ_AHEAD_MAX = 16;

interface Ahead {
  until: number;
  ranges: SyncRange[];
  /** The cursors of the call expected to ask for it. */
  asked: string;
  /** The page and, taken before it was read, the signature of what it shows. */
  read: Promise<{ signature: string; chunks: SyncChunk[] }>;
}

/**
 * `sync` reads the next page while the current one is sent and parsed (issue 13, catch-up): the pages a client will ask
 * for next, keyed by who asks (user and access scope) and the exact seq ranges, as the service plans them from fresh
 * access checks on every call. A page is served at most once, within READ_AHEAD_MS, and only if the signature of its
 * ranges (edits, deletions, case links visible to that scope, authors) is still the one taken before it was read:
 * a channel the caller lost changes the ranges, a message changed or a case lost since changes the signature, and
 * either way the page is read afresh.
 */
@Injectable()
export class SyncReadAhead {
  private readonly pages = new Map<string, Ahead>();
  /** The key of the page read ahead for a call with these cursors. */
  private readonly asked = new Map<string, string>();

  constructor(private readonly rows: MessageSyncRepository) {}

  /**
   * Starts reading the page of these ranges, which a call with these cursors is expected to ask for, unless
   * READ_AHEAD_MAX pages are already waiting.
   */
  start(scope: AccessScope, cursors: Array<[string, number]>, ranges: SyncRange[], maxBytes: number): void {
    if (!ranges.length || this.pages.size >= READ_AHEAD_MAX) return;
    const key = keyOf(scope, ranges, maxBytes);
    if (this.pages.has(key)) return;
    const read = (async () => {
      const signature = await this.rows.signature(ranges, scope);
      return { signature, chunks: await this.rows.page(ranges, scope, maxBytes) };
    })();
    const ahead: Ahead = { until: Date.now() + READ_AHEAD_MS, ranges, asked: askedOf(scope, cursors), read };
    const drop = () => {
      if (this.pages.get(key) !== ahead) return;
      this.pages.delete(key);
      this.asked.delete(ahead.asked);
    };
    read.catch(drop);
    // a page nobody asked for is let go of when it expires
    setTimeout(drop, READ_AHEAD_MS + 100).unref();
    this.pages.set(key, ahead);
    this.asked.set(ahead.asked, key);
  }

  /**
   * As a call starts, before its access checks: when a page was read ahead for exactly these cursors, the signature of
   * its ranges is taken now, alongside those checks; `page` uses it if the ranges planned afresh are the same.
   */
  expect(scope: AccessScope, cursors: Array<[string, number]>): ReadAheadCheck | undefined {
    const key = this.asked.get(askedOf(scope, cursors));
    const ahead = key === undefined ? undefined : this.pages.get(key);
    if (!ahead) return undefined;
    const signature = this.rows.signature(ahead.ranges, scope).catch(() => null);
    return { key: key!, signature };
  }

  /** The page of these ranges: the one read ahead for this scope if it still holds, else read now. */
  async page(
    scope: AccessScope,
    ranges: SyncRange[],
    maxBytes: number,
    expected?: ReadAheadCheck,
  ): Promise<SyncChunk[]> {
    const key = keyOf(scope, ranges, maxBytes);
    const ahead = this.pages.get(key);
    if (ahead) {
      this.pages.delete(key);
      this.asked.delete(ahead.asked);
    }
    if (ahead && ahead.until >= Date.now()) {
      // the signature now (taken as this call started, or now), while the page read ahead may still be arriving
      const [read, now] = await Promise.all([
        ahead.read.catch(() => null),
        expected?.key === key ? expected.signature : this.rows.signature(ranges, scope),
      ]);
      if (read && now !== null && read.signature === now) return read.chunks;
    }
    return this.rows.page(ranges, scope, maxBytes);
  }

  /** Pages waiting (for tests and metrics). */
  get size(): number {
    return this.pages.size;
  }
}

/** A signature taken as a call starts, for the page read ahead under `key`. */
export interface ReadAheadCheck {
  key: string;
  signature: Promise<string | null>;
}

function askedOf(scope: AccessScope, cursors: Array<[string, number]>): string {
  return JSON.stringify([scopeOf(scope), cursors]);
}

function scopeOf(scope: AccessScope): unknown[] {
  return [
    scope.userId,
    scope.staff,
    [...scope.memberNetworkIds].sort(),
    [...scope.officerNetworkIds].sort(),
    scope.country,
  ];
}

/** Who asks (everything the access scope holds) and what exactly. */
function keyOf(scope: AccessScope, ranges: SyncRange[], maxBytes: number): string {
  return JSON.stringify([
    scopeOf(scope),
    maxBytes,
    ranges.map((r) => [r.channelId, r.fromSeq, r.toSeq, r.threadCaseId]),
  ]);
}
