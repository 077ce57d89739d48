import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { Conflict, invalid, NotAllowed, NotFound, ValidationFailed } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { SystemMessages, type SystemMessageInput } from '../common/system-messages.js';
import { CaseAccessPolicy } from './case-access.policy.js';
import { accessScope, ChannelAccessPolicy, rooms, type AccessScope } from './channel-access.policy.js';
import { ChannelsRepository, type ChannelRecord } from './channels.repository.js';
import { CasesRepository } from './cases.repository.js';
import {
  isUuid,
  nonNegativeInt,
  parseMentions,
  validateBody,
  validateSend,
  type SendInput,
} from './message-rules.js';
import { messageView, type MessageRow, type MessageView } from './message.view.js';
import { isDuplicateClientId, isDuplicateSystemKey, MessagesRepository } from './messages.repository.js';

export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 200;
export const SYNC_PAGE = 500;
export const SYNC_MAX_CHANNELS = 1000;

export interface SendResult {
  message: MessageView;
  /** false when the same clientMessageId was sent before: the first message, nothing new stored. */
  created: boolean;
}

/**
 * Messages in channels and case threads. The hot path (`send`) is: validate → one statement that authorises, takes the
 * next seq and stores → publish `message.created` to the channel's room. No per-recipient writes: unread counts are
 * `lastSeq − read cursor`.
 */
@Injectable()
export class MessagesService extends SystemMessages {
  private readonly logger = new Logger('Messages');
  private readonly channelIdsByName = new Map<string, string>();

  constructor(
    private readonly repo: MessagesRepository,
    private readonly channels: ChannelsRepository,
    private readonly cases: CasesRepository,
    private readonly policy: ChannelAccessPolicy,
    private readonly casePolicy: CaseAccessPolicy,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  // ---- sending -------------------------------------------------------------------------------------------------

  async send(
    ctx: RequestContext,
    p: Principal,
    channelId: string,
    input: SendInput,
    scope?: AccessScope,
  ): Promise<SendResult> {
    if (!isUuid(channelId)) throw new NotFound('channel');
    const valid = validateSend(input);
    if (valid.caseId) await this.assertCaseLinkable(p, channelId, valid.caseId);
    const s = scope ?? accessScope(p);
    let stored;
    try {
      stored = await this.repo.insert({ channelId, authorId: p.id, ...valid, at: this.clock.now() }, s, {
        ip: ctx.ip ?? null,
        requestId: ctx.requestId ?? null,
      });
    } catch (error) {
      if (isDuplicateClientId(error)) return this.repeated(p, channelId, valid.clientMessageId);
      throw error;
    }
    if (!stored) throw await this.whyNotStored(p, channelId);
    const message: MessageView = {
      id: stored.id,
      channelId,
      caseId: stored.caseId,
      seq: stored.seq,
      author: { id: p.id, displayName: p.displayName, country: p.country ?? null },
      body: valid.body,
      priority: valid.priority,
      requestAck: valid.requestAck,
      clientMessageId: valid.clientMessageId,
      createdAt: new Date(stored.createdAt).toISOString(),
      editedAt: null,
      deleted: false,
    };
    this.events.publish('realtime.emit', {
      rooms: [rooms.channel(channelId)],
      event: 'message.created',
      payload: message,
    });
    if (valid.body.includes('@')) {
      this.notifyMentions(p, message, stored.networkId).catch((e) =>
        this.logger.warn(`mentions: ${String(e?.message ?? e)}`),
      );
    }
    return { message, created: true };
  }

  /** The same clientMessageId again from the same author: the first message, if it is in this channel. */
  private async repeated(p: Principal, channelId: string, clientMessageId: string): Promise<SendResult> {
    const first = await this.repo.byClientId(p.id, clientMessageId);
    if (!first) throw new Conflict('The message is being stored; send it again.', 'RETRY');
    const channel = await this.channels.load(first.channelId, p.id);
    if (!channel || !this.readable(p, channel)) throw new NotFound('channel');
    if (first.channelId !== channelId) {
      throw new Conflict(
        'This clientMessageId was already used for a message in another channel.',
        'CLIENT_MESSAGE_ID_REUSED',
      );
    }
    return { message: messageView(first), created: false };
  }

  private async whyNotStored(p: Principal, channelId: string): Promise<Error> {
    const channel = await this.channels.load(channelId, p.id);
    if (!channel || !this.readable(p, channel)) return new NotFound('channel');
    if (channel.kind === 'case' && channel.caseStatus === 'closed') {
      return new Conflict('The case is closed; reopen it to post in its thread.', 'CASE_CLOSED');
    }
    return new Conflict('The message could not be stored; send it again.', 'RETRY');
  }

  /**
   * A channel message may point at a case only when every reader of the channel may read that case, so the link never
   * tells anyone about a case they may not know of: its own thread, an `officers` channel of the network for a
   * `network` case, or a private channel whose members may all read it.
   */
  private async assertCaseLinkable(p: Principal, channelId: string, caseId: string): Promise<void> {
    const [channel, kase] = await Promise.all([
      this.channels.load(channelId, p.id),
      this.cases.facts(caseId),
    ]);
    if (!channel || !this.readable(p, channel)) throw new NotFound('channel');
    if (!kase || !this.casePolicy.canRead(p, kase)) throw new NotFound('case');
    if (channel.kind === 'case') {
      if (channel.caseId !== caseId) throw invalid('caseId', 'must be the case of this thread');
      return;
    }
    if (kase.networkId !== channel.networkId)
      throw invalid('caseId', "must be a case of the channel's network");
    if (channel.visibility === 'network') {
      throw invalid(
        'caseId',
        'cannot be set in a channel that observers read; post in the case thread instead',
      );
    }
    if (channel.visibility === 'officers') {
      if (kase.handling !== 'network') {
        throw invalid(
          'caseId',
          'an involved-countries case can be referenced only in its thread or a private channel of its countries',
        );
      }
      return;
    }
    const members = await this.channels.networkMembers(
      channel.networkId,
      (await this.channels.members(channel.id)).map((m) => m.id),
    );
    const all = members.every(
      (m) => m.role === 'officer' && this.casePolicy.officerCountryMayRead(m.country, kase),
    );
    if (!all) throw invalid('caseId', 'every member of this private channel must be able to read the case');
  }

  private readable(p: Principal, c: ChannelRecord): boolean {
    return this.policy.canRead(p, {
      networkId: c.networkId,
      visibility: c.visibility,
      kind: c.kind,
      isMember: c.isMember,
      caseHandling: c.caseHandling,
      caseCountries: c.caseCountries,
    });
  }

  /** Loads a channel the caller may read; 404 otherwise (they may not know it exists). */
  async readableChannel(p: Principal, channelId: string): Promise<ChannelRecord> {
    if (!isUuid(channelId)) throw new NotFound('channel');
    const channel = await this.channels.load(channelId, p.id);
    if (!channel || !this.readable(p, channel)) throw new NotFound('channel');
    return channel;
  }

  // ---- reading ---------------------------------------------------------------------------------------------------

  async list(
    ctx: RequestContext,
    p: Principal,
    channelId: string,
    q: { afterSeq?: number; beforeSeq?: number; limit?: number },
  ): Promise<MessageView[]> {
    const channel = await this.readableChannel(p, channelId);
    if (q.afterSeq !== undefined && q.beforeSeq !== undefined) {
      throw new ValidationFailed([
        { field: 'afterSeq', message: 'use either afterSeq or beforeSeq, not both' },
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
      throw invalid('cursors', `must list at most ${SYNC_MAX_CHANNELS} channels`);
    for (const [id, seq] of entries) {
      if (!isUuid(id)) throw invalid(`cursors.${id}`, 'keys must be channel ids');
      if (!nonNegativeInt(seq)) throw invalid(`cursors.${id}`, 'must be a seq (a whole number, 0 or more)');
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

  // ---- changing --------------------------------------------------------------------------------------------------

  private async ownMessage(
    p: Principal,
    messageId: string,
    verb: string,
  ): Promise<{ row: MessageRow; channel: ChannelRecord }> {
    if (!isUuid(messageId)) throw new NotFound('message');
    const row = await this.repo.byId(messageId);
    if (!row) throw new NotFound('message');
    const channel = await this.channels.load(row.channelId, p.id);
    if (!channel || !this.readable(p, channel)) throw new NotFound('message');
    if (row.authorId !== p.id) throw new NotAllowed(`Only the author can ${verb} a message.`);
    if (row.deletedAt) throw new Conflict('The message was deleted.', 'MESSAGE_DELETED');
    return { row, channel };
  }

  async edit(ctx: RequestContext, p: Principal, messageId: string, body: unknown): Promise<MessageView> {
    const { row, channel } = await this.ownMessage(p, messageId, 'edit');
    const next = validateBody(body);
    if (next === row.body) return messageView(row);
    return this.change(ctx, p, row, channel, 'edit', next);
  }

  async remove(ctx: RequestContext, p: Principal, messageId: string): Promise<MessageView> {
    const { row, channel } = await this.ownMessage(p, messageId, 'delete');
    return this.change(ctx, p, row, channel, 'delete', '');
  }

  private async change(
    ctx: RequestContext,
    p: Principal,
    row: MessageRow,
    channel: ChannelRecord,
    kind: 'edit' | 'delete',
    body: string,
  ): Promise<MessageView> {
    const at = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      const done = await this.repo.change(row.id, { kind, body, editorId: p.id, at }, m);
      if (!done) throw new Conflict('The message was deleted.', 'MESSAGE_DELETED');
      const details = {
        channelId: row.channelId,
        caseId: row.caseId,
        seq: Number(row.seq),
        editId: done.editId,
      };
      await this.audit.record(
        ctx,
        {
          action: kind === 'edit' ? 'message.edited' : 'message.deleted',
          targetType: 'message',
          targetId: row.id,
          details,
        },
        m,
      );
      if (channel.kind === 'case') {
        await this.audit.record(
          ctx,
          {
            action: kind === 'edit' ? 'case.message.edited' : 'case.message.deleted',
            targetType: 'case',
            targetId: channel.caseId,
            details: { ...details, messageId: row.id },
          },
          m,
        );
      }
    });
    const view = messageView((await this.repo.byId(row.id))!);
    this.events.publish('realtime.emit', {
      rooms: [rooms.channel(row.channelId)],
      event: kind === 'edit' ? 'message.updated' : 'message.deleted',
      payload: view,
    });
    return view;
  }

  /** The edit history of a message (previous bodies), for those who may read it. */
  async history(p: Principal, messageId: string) {
    if (!isUuid(messageId)) throw new NotFound('message');
    const row = await this.repo.byId(messageId);
    if (!row) throw new NotFound('message');
    await this.readableChannel(p, row.channelId).catch(() => {
      throw new NotFound('message');
    });
    return (await this.repo.history(messageId)).map((h) => ({ ...h, at: new Date(h.at).toISOString() }));
  }

  async ack(
    ctx: RequestContext,
    p: Principal,
    messageId: string,
  ): Promise<{ messageId: string; ackedAt: string; created: boolean }> {
    if (!isUuid(messageId)) throw new NotFound('message');
    const row = await this.repo.byId(messageId);
    if (!row) throw new NotFound('message');
    const channel = await this.channels.load(row.channelId, p.id);
    if (!channel || !this.readable(p, channel)) throw new NotFound('message');
    if (!row.requestAck)
      throw new Conflict('This message did not request an acknowledgement.', 'ACK_NOT_REQUESTED');
    if (row.deletedAt) throw new Conflict('The message was deleted.', 'MESSAGE_DELETED');
    const at = await this.repo.ack(messageId, p.id, this.clock.now());
    if (!at) {
      const existing = (await this.repo.acks(messageId)).find((a) => a.userId === p.id);
      return {
        messageId,
        ackedAt: new Date(existing?.ackedAt ?? this.clock.now()).toISOString(),
        created: false,
      };
    }
    const ackedAt = new Date(at).toISOString();
    this.events.publish('realtime.emit', {
      rooms: [rooms.channel(row.channelId)],
      event: 'message.acked',
      payload: {
        messageId,
        channelId: row.channelId,
        caseId: row.caseId,
        seq: Number(row.seq),
        user: { id: p.id, displayName: p.displayName, country: p.country ?? null },
        ackedAt,
      },
    });
    if (channel.kind === 'case') {
      await this.audit.record(ctx, {
        action: 'case.message.acked',
        targetType: 'case',
        targetId: channel.caseId,
        details: { messageId },
      });
    }
    return { messageId, ackedAt, created: true };
  }

  async acks(p: Principal, messageId: string) {
    if (!isUuid(messageId)) throw new NotFound('message');
    const row = await this.repo.byId(messageId);
    if (!row) throw new NotFound('message');
    await this.readableChannel(p, row.channelId).catch(() => {
      throw new NotFound('message');
    });
    return (await this.repo.acks(messageId)).map((a) => ({
      user: { id: a.userId, displayName: a.displayName, country: a.country },
      ackedAt: new Date(a.ackedAt).toISOString(),
    }));
  }

  /** Moves the caller's read cursor (never backwards, never past the last message); unread = lastSeq − cursor. */
  async markRead(
    p: Principal,
    channelId: string,
    seq: unknown,
  ): Promise<{ channelId: string; seq: number; unreadCount: number }> {
    if (!nonNegativeInt(seq)) throw invalid('seq', 'must be a whole number, 0 or more');
    const channel = await this.readableChannel(p, channelId);
    const stored = (await this.channels.advanceCursor(p.id, channel.id, seq, this.clock.now())) ?? 0;
    const last = Math.max(channel.lastSeq, stored);
    return { channelId: channel.id, seq: stored, unreadCount: Math.max(last - stored, 0) };
  }

  // ---- mentions --------------------------------------------------------------------------------------------------

  /** `@GT` reaches that country's officers, `@name` a person; only those who may read the channel are told. */
  private async notifyMentions(author: Principal, message: MessageView, networkId: string): Promise<void> {
    const { countries, names } = parseMentions(message.body);
    if (!countries.length && !names.length) return;
    const channel = await this.channels.load(message.channelId, author.id);
    if (!channel) return;
    const candidates = await this.repo.mentionCandidates(networkId, channel.id, countries, names);
    const userIds = candidates
      .filter((c) => c.id !== author.id)
      .filter((c) =>
        ChannelAccessPolicy.canRead(
          {
            userId: c.id,
            staff: false,
            memberNetworkIds: [networkId],
            officerNetworkIds: c.role === 'officer' ? [networkId] : [],
            country: c.country,
          },
          {
            networkId,
            visibility: channel.visibility,
            kind: channel.kind,
            isMember: c.isMember,
            caseHandling: channel.caseHandling,
            caseCountries: channel.caseCountries,
          },
        ),
      )
      .map((c) => c.id);
    if (!userIds.length) return;
    this.events.publish('realtime.emit', {
      rooms: userIds.map(rooms.user),
      event: 'notification',
      payload: {
        kind: 'mention',
        messageId: message.id,
        channelId: message.channelId,
        caseId: message.caseId,
        seq: message.seq,
        author: message.author,
        title: { en: `${author.displayName} mentioned you`, es: `${author.displayName} le mencionó` },
      },
    });
  }

  // ---- system messages (SystemMessages) -------------------------------------------------------------------------

  async post(input: SystemMessageInput): Promise<{ id: string; seq: number }> {
    const { view } = await this.postSystem(input);
    return { id: view.id, seq: view.seq };
  }

  /** Stores a system message and publishes it; the same idempotency key twice stores one message. */
  async postSystem(input: SystemMessageInput): Promise<{ view: MessageView; created: boolean }> {
    validateBody(input.body);
    if (!isUuid(input.channelId)) throw new NotFound('channel');
    const key = input.idempotencyKey ?? null;
    if (key) {
      const existing = await this.repo.bySystemKey(key);
      if (existing) return { view: messageView(existing), created: false };
    }
    let row: MessageRow | null;
    try {
      row = await this.repo.insertSystem({
        channelId: input.channelId,
        body: input.body,
        caseId: input.caseId ?? null,
        priority: input.priority ?? 'normal',
        key,
        at: this.clock.now(),
      });
    } catch (error) {
      if (key && isDuplicateSystemKey(error))
        return { view: messageView((await this.repo.bySystemKey(key))!), created: false };
      throw error;
    }
    if (!row) throw new NotFound('channel');
    const view = messageView(row);
    this.publishCreated(view);
    return { view, created: true };
  }

  publishCreated(view: MessageView): void {
    this.events.publish('realtime.emit', {
      rooms: [rooms.channel(view.channelId)],
      event: 'message.created',
      payload: view,
    });
  }

  async channelId(networkSlug: string, name: string): Promise<string> {
    const cacheKey = `${networkSlug}/${name}`;
    const cached = this.channelIdsByName.get(cacheKey);
    if (cached) return cached;
    const id = await this.channels.idByName(networkSlug, name);
    if (!id) throw new NotFound('channel');
    this.channelIdsByName.set(cacheKey, id);
    return id;
  }
}
