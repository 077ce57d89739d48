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

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;
export const SYNC_PAGE = 500;
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
   * What the caller missed, by seq cursors: ascending seq per channel, at most SYNC_PAGE messages a call (`complete`
   * false: call again with the new cursors). Channels the caller may no longer read are listed in `unavailable`.
   */
  async sync(
    ctx: RequestContext,
    p: Principal,
    cursors: Record<string, unknown>,
    scope?: AccessScope,
  ): Promise<{ messages: MessageView[]; complete: boolean; unavailable: string[] }> {
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
    const readable = await this.channels.readableAmong(
      entries.map(([id]) => id),
      scope ?? accessScope(p),
    );
    const readableIds = new Set(readable.map((r) => r.id));
    const rows = await this.repo.since(
      entries
        .filter(([id]) => readableIds.has(id))
        .map(([id, seq]) => ({ channelId: id, afterSeq: seq as number })),
      SYNC_PAGE + 1,
    );
    const complete = rows.length <= SYNC_PAGE;
    const page = rows.slice(0, SYNC_PAGE);
    const caseChannels = new Map(readable.filter((r) => r.caseId).map((r) => [r.id, r.caseId!]));
    const byCase = new Map<string, { channelId: string; from: number; to: number }>();
    for (const r of page) {
      const caseId = caseChannels.get(r.channelId);
      if (!caseId) continue;
      const e = byCase.get(caseId) ?? { channelId: r.channelId, from: Number(r.seq), to: Number(r.seq) };
      e.to = Number(r.seq);
      byCase.set(caseId, e);
    }
    for (const [caseId, e] of byCase) {
      await this.audit.record(ctx, {
        action: 'case.thread.read',
        targetType: 'case',
        targetId: caseId,
        details: { channelId: e.channelId, fromSeq: e.from, toSeq: e.to, via: 'sync' },
      });
    }
    const messages = await this.maskCases(p, page.map(messageView), null, caseChannels);
    return {
      messages,
      complete,
      unavailable: entries.map(([id]) => id).filter((id) => !readableIds.has(id)),
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
