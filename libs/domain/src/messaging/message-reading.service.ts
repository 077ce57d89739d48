import { Injectable } from '@nestjs/common';
import { Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { invalid, ValidationFailed } from '../common/domain-error.js';
import { CaseAccessPolicy } from './case-access.policy.js';
import { ChannelAccess } from './channel-access.service.js';
import { accessScope, type AccessScope } from './channel-access.policy.js';
import { ChannelsRepository } from './channels.repository.js';
import { CasesRepository } from './cases.repository.js';
import { isUuid, nonNegativeInt } from './message-rules.js';
import { messageView, type MessageView } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';
import type { SyncRange } from './message-sync.repository.js';
import { SyncReadAhead } from './sync-read-ahead.js';
import { JsonText } from '../common/json-text.js';

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;
/** `sync` pages: up to this many messages, cut earlier once they hold SYNC_PAGE_BYTES of JSON. */
export const SYNC_PAGE = 5000;
export const SYNC_PAGE_BYTES = 4 * 1024 * 1024;
export const SYNC_MAX_CHANNELS = 1000;

/** Reading messages: pages of a channel, `sync` by seq cursors, and the caller's read cursor. Case reads are audited. */
@Injectable()
export class MessageReadingService {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly channels: ChannelsRepository,
    private readonly cases: CasesRepository,
    private readonly access: ChannelAccess,
    private readonly casePolicy: CaseAccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly readAhead: SyncReadAhead,
  ) {}

  async list(
    ctx: RequestContext,
    p: Principal,
    channelId: string,
    q: { afterSeq?: number; beforeSeq?: number; limit?: number },
  ): Promise<MessageView[]> {
    const channel = await this.access.readable(p, channelId);
    if (q.afterSeq !== undefined && q.beforeSeq !== undefined) {
      throw new ValidationFailed([
        {
          field: 'afterSeq',
          message: 'use either afterSeq or beforeSeq, not both',
          es: 'use afterSeq o beforeSeq, no ambos',
        },
      ]);
    }
    const limit = Math.min(Math.max(q.limit ?? PAGE_DEFAULT, 1), PAGE_MAX);
    const rows = await this.repo.page(channel.id, { afterSeq: q.afterSeq, beforeSeq: q.beforeSeq, limit });
    if (channel.kind === 'case' && rows.length) {
      await this.audit.record(ctx, {
        action: 'case.thread.read',
        targetType: 'case',
        targetId: channel.caseId,
        details: {
          channelId: channel.id,
          fromSeq: Number(rows[0].seq),
          toSeq: Number(rows[rows.length - 1].seq),
        },
      });
    }
    return this.maskCases(p, rows.map(messageView), channel.kind === 'case' ? channel.caseId : null);
  }

  /**
   * What the caller missed, by seq cursors: ascending seq per channel, channels in the order of `cursors`, at most
   * SYNC_PAGE messages and about SYNC_PAGE_BYTES a call (`complete` false: call again with the new cursors). Seqs
   * have no gaps, so what each channel lacks is `lastSeq − cursor` and the page is cut into exact seq ranges before
   * one query reads them. Channels the caller may no longer read are listed in `unavailable`. When more remains, the
   * next page is read ahead while this one is sent (SyncReadAhead: served only to the same scope, for the same ranges
   * planned afresh, while what it shows is unchanged).
   */
  async sync(
    ctx: RequestContext,
    p: Principal,
    cursors: Record<string, unknown>,
    scope?: AccessScope,
  ): Promise<{ messages: JsonText<MessageView[]>; complete: boolean; unavailable: string[] }> {
    const entries = Object.entries(cursors ?? {});
    if (entries.length > SYNC_MAX_CHANNELS)
      throw invalid('cursors', {
        en: `must list at most ${SYNC_MAX_CHANNELS} channels`,
        es: `debe tener ${SYNC_MAX_CHANNELS} canales como máximo`,
      });
    for (const [id, seq] of entries) {
      if (!isUuid(id))
        throw invalid(`cursors.${id}`, {
          en: 'keys must be channel ids',
          es: 'las claves deben ser identificadores de canal',
        });
      if (!nonNegativeInt(seq))
        throw invalid(`cursors.${id}`, {
          en: 'must be a seq (a whole number, 0 or more)',
          es: 'debe ser un seq (un número entero, 0 o más)',
        });
    }
    const s = scope ?? accessScope(p);
    const expected = this.readAhead.expect(s, entries as Array<[string, number]>);
    const readable = new Map(
      (
        await this.channels.readableAmong(
          entries.map(([id]) => id),
          s,
        )
      ).map((r) => [r.id, r]),
    );
    const planned = planPage(entries as Array<[string, number]>, readable);
    const { ranges } = planned;
    let { complete } = planned;
    const chunks = await this.readAhead.page(s, ranges, SYNC_PAGE_BYTES, expected);
    // cut short by the byte bound: the rest comes on the next call
    if (chunks.reduce((n, c) => n + c.count, 0) < ranges.reduce((n, r) => n + r.toSeq - r.fromSeq + 1, 0))
      complete = false;
    if (!complete) {
      const after = new Map(chunks.map((c) => [c.channelId, c.toSeq]));
      const next = entries.map(([id, seq]): [string, number] => [id, after.get(id) ?? (seq as number)]);
      this.readAhead.start(s, next, planPage(next, readable).ranges, SYNC_PAGE_BYTES);
    }
    for (const c of chunks) {
      const caseId = readable.get(c.channelId)?.caseId;
      if (!caseId) continue;
      await this.audit.record(ctx, {
        action: 'case.thread.read',
        targetType: 'case',
        targetId: caseId,
        details: { channelId: c.channelId, fromSeq: c.fromSeq, toSeq: c.toSeq, via: 'sync' },
      });
    }
    return {
      messages: new JsonText<MessageView[]>(`[${chunks.map((c) => c.json).join(',')}]`),
      complete,
      unavailable: entries.map(([id]) => id).filter((id) => !readable.has(id)),
    };
  }

  /** A channel message pointing at a case the reader may not read shows no case (e.g. its handling narrowed since). */
  async maskCases(
    p: Principal,
    messages: MessageView[],
    threadCaseId: string | null,
    caseChannels?: Map<string, string>,
  ): Promise<MessageView[]> {
    const linked = [
      ...new Set(
        messages
          .filter((m) => m.caseId && m.caseId !== threadCaseId && caseChannels?.get(m.channelId) !== m.caseId)
          .map((m) => m.caseId!),
      ),
    ];
    if (!linked.length) return messages;
    const facts = await this.cases.factsMany(linked);
    const readable = new Set(
      linked.filter((id) => facts.get(id) && this.casePolicy.canRead(p, facts.get(id)!)),
    );
    return messages.map((m) =>
      m.caseId &&
      m.caseId !== threadCaseId &&
      caseChannels?.get(m.channelId) !== m.caseId &&
      !readable.has(m.caseId)
        ? { ...m, caseId: null }
        : m,
    );
  }

  /** Moves the caller's read cursor (never backwards, never past the last message); unread = lastSeq − cursor. */
  async markRead(
    p: Principal,
    channelId: string,
    seq: unknown,
  ): Promise<{ channelId: string; seq: number; unreadCount: number }> {
    if (!nonNegativeInt(seq))
      throw invalid('seq', {
        en: 'must be a whole number, 0 or more',
        es: 'debe ser un número entero, 0 o más',
      });
    const channel = await this.access.readable(p, channelId);
    const stored = (await this.channels.advanceCursor(p.id, channel.id, seq, this.clock.now())) ?? 0;
    const last = Math.max(channel.lastSeq, stored);
    return { channelId: channel.id, seq: stored, unreadCount: Math.max(last - stored, 0) };
  }
}

/**
 * The seq ranges of one `sync` page: channels in cursor order, what each lacks after its cursor (and after its purged
 * seqs), up to SYNC_PAGE messages; `complete` false when something is left for the next call.
 */
function planPage(
  cursors: Array<[string, number]>,
  readable: Map<string, { caseId: string | null; lastSeq: number; purgedSeq: number }>,
): { ranges: SyncRange[]; complete: boolean } {
  const ranges: SyncRange[] = [];
  let room = SYNC_PAGE;
  let complete = true;
  for (const [id, cursor] of cursors) {
    const channel = readable.get(id);
    // seqs at or below purged_seq were removed by the retention purge: the range starts after them
    const seq = Math.max(cursor, channel?.purgedSeq ?? 0);
    const missing = channel ? channel.lastSeq - seq : 0;
    if (missing <= 0) continue;
    if (room <= 0) {
      complete = false;
      break;
    }
    const take = Math.min(missing, room);
    if (take < missing) complete = false;
    ranges.push({ channelId: id, fromSeq: seq + 1, toSeq: seq + take, threadCaseId: channel!.caseId });
    room -= take;
  }
  return { ranges, complete };
}
