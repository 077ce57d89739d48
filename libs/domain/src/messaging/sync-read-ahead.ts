import { Injectable } from '@nestjs/common';
import type { AccessScope } from './channel-access.policy.js';
import { MessageSyncRepository, type SyncChunk, type SyncRange } from './message-sync.repository.js';

/** A page read ahead is kept this long for the call that asks for it (a client asks within milliseconds). */
export const READ_AHEAD_MS = 5_000;
/** At most this many pages read ahead at once in a process (each up to SYNC_PAGE_BYTES); beyond, none is started. */
export const READ_AHEAD_MAX = 16;

interface Ahead {
  until: number;
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

  constructor(private readonly rows: MessageSyncRepository) {}

  /** Starts reading the page of these ranges, unless READ_AHEAD_MAX pages are already waiting. */
  start(scope: AccessScope, ranges: SyncRange[], maxBytes: number): void {
    if (!ranges.length || this.pages.size >= READ_AHEAD_MAX) return;
    const key = keyOf(scope, ranges, maxBytes);
    if (this.pages.has(key)) return;
    const read = (async () => {
      const signature = await this.rows.signature(ranges, scope);
      return { signature, chunks: await this.rows.page(ranges, scope, maxBytes) };
    })();
    const ahead: Ahead = { until: Date.now() + READ_AHEAD_MS, read };
    const drop = () => {
      if (this.pages.get(key) === ahead) this.pages.delete(key);
    };
    read.catch(drop);
    // a page nobody asked for is let go of when it expires
    setTimeout(drop, READ_AHEAD_MS + 100).unref();
    this.pages.set(key, ahead);
  }

  /** The page of these ranges: the one read ahead for this scope if it still holds, else read now. */
  async page(scope: AccessScope, ranges: SyncRange[], maxBytes: number): Promise<SyncChunk[]> {
    const key = keyOf(scope, ranges, maxBytes);
    const ahead = this.pages.get(key);
    this.pages.delete(key);
    if (ahead && ahead.until >= Date.now()) {
      // the signature now, taken while the page read ahead may still be arriving
      const [read, now] = await Promise.all([
        ahead.read.catch(() => null),
        this.rows.signature(ranges, scope),
      ]);
      if (read && read.signature === now) return read.chunks;
    }
    return this.rows.page(ranges, scope, maxBytes);
  }

  /** Pages waiting (for tests and metrics). */
  get size(): number {
    return this.pages.size;
  }
}

/** Who asks (everything the access scope holds) and what exactly. */
function keyOf(scope: AccessScope, ranges: SyncRange[], maxBytes: number): string {
  return JSON.stringify([
    scope.userId,
    scope.staff,
    [...scope.memberNetworkIds].sort(),
    [...scope.officerNetworkIds].sort(),
    scope.country,
    maxBytes,
    ranges.map((r) => [r.channelId, r.fromSeq, r.toSeq, r.threadCaseId]),
  ]);
}
