import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import type { RequestContext } from '../audit/audit.service.js';
import { Conflict, invalid, NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { CaseAccessPolicy } from './case-access.policy.js';
import { ChannelAccess } from './channel-access.service.js';
import { accessScope, type AccessScope } from './channel-access.policy.js';
import { ChannelsRepository } from './channels.repository.js';
import { CasesRepository } from './cases.repository.js';
import { isUuid, validateSend, type SendInput } from './message-rules.js';
import { messageView, type AttachmentRef, type MessageView } from './message.view.js';
import { MessageInsertRepository, type StoredMessage } from './message-insert.repository.js';
import { isDuplicateClientId, MessagesRepository } from './messages.repository.js';
import { MentionsService } from './mentions.service.js';

export interface SendResult {
  message: MessageView;
  /** false when the same clientMessageId was sent before: the first message, nothing new stored. */
  created: boolean;
}

/**
 * Sending a message to a channel or a case thread. The hot path is: validate → one statement that authorises, takes
 * the next seq and stores → publish `message.created` to the channel's room. No per-recipient writes: unread counts
 * are `lastSeq − read cursor`.
 */
@Injectable()
export class MessageSendingService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly inserts: MessageInsertRepository,
    private readonly repo: MessagesRepository,
    private readonly channels: ChannelsRepository,
    private readonly cases: CasesRepository,
    private readonly access: ChannelAccess,
    private readonly casePolicy: CaseAccessPolicy,
    private readonly mentions: MentionsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

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
    const row = { channelId, authorId: p.id, ...valid, at: this.clock.now() };
    const audit = { ip: ctx.ip ?? null, requestId: ctx.requestId ?? null };
    let stored: (StoredMessage & { attachments?: AttachmentRef[] }) | null | 'unavailable';
    try {
      stored = valid.attachmentIds.length
        ? await this.inserts.insertWithAttachments(row, s, audit, valid.attachmentIds)
        : await this.inserts.insert(row, s, audit);
    } catch (error) {
      if (isDuplicateClientId(error)) return this.repeated(p, channelId, valid.clientMessageId);
      throw error;
    }
    if (stored === 'unavailable') {
      await this.access.readable(p, channelId);
      throw invalid('attachmentIds', {
        en: 'must be your own files uploaded to this channel and not yet sent',
        es: 'deben ser archivos suyos, subidos a este canal y aún no enviados',
      });
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
      attachments: stored.attachments ?? [],
    };
    this.events.publish('message.created', { message });
    if (valid.body.includes('@')) {
      this.mentions
        .notify(p, message, stored.networkId)
        .catch((e) => this.logger.warn(`mentions: ${String(e?.message ?? e)}`));
    }
    return { message, created: true };
  }

  /** The same clientMessageId again from the same author: the first message, if it is in this channel. */
  private async repeated(p: Principal, channelId: string, clientMessageId: string): Promise<SendResult> {
    const first = await this.repo.byClientId(p.id, clientMessageId);
    if (!first)
      throw new Conflict(
        {
          en: 'The message is being stored; send it again.',
          es: 'El mensaje se está guardando; envíelo de nuevo.',
        },
        'RETRY',
      );
    await this.access.readable(p, first.channelId);
    if (first.channelId !== channelId) {
      throw new Conflict(
        {
          en: 'This clientMessageId was already used for a message in another channel.',
          es: 'Este clientMessageId ya se usó para un mensaje en otro canal.',
        },
        'CLIENT_MESSAGE_ID_REUSED',
      );
    }
    return { message: messageView(first), created: false };
  }

  private async whyNotStored(p: Principal, channelId: string): Promise<Error> {
    const channel = await this.access.find(p, channelId);
    if (!channel) return new NotFound('channel');
    if (channel.kind === 'case' && channel.caseStatus === 'closed') {
      return new Conflict(
        {
          en: 'The case is closed; reopen it to post in its thread.',
          es: 'El caso está cerrado; reábralo para escribir en su hilo.',
        },
        'CASE_CLOSED',
      );
    }
    return new Conflict(
      {
        en: 'The message could not be stored; send it again.',
        es: 'No se pudo guardar el mensaje; envíelo de nuevo.',
      },
      'RETRY',
    );
  }

  /**
   * A channel message may point at a case only when every reader of the channel may read that case, so the link never
   * tells anyone about a case they may not know of: its own thread, an `officers` channel of the network for a
   * `network` case, or a private channel whose members may all read it.
   */
  private async assertCaseLinkable(p: Principal, channelId: string, caseId: string): Promise<void> {
    const [channel, kase] = await Promise.all([this.access.find(p, channelId), this.cases.facts(caseId)]);
    if (!channel) throw new NotFound('channel');
    if (!kase || !this.casePolicy.canRead(p, kase)) throw new NotFound('case');
    if (channel.kind === 'case') {
      if (channel.caseId !== caseId)
        throw invalid('caseId', {
          en: 'must be the case of this thread',
          es: 'debe ser el caso de este hilo',
        });
      return;
    }
    if (kase.networkId !== channel.networkId)
      throw invalid('caseId', {
        en: "must be a case of the channel's network",
        es: 'debe ser un caso de la red del canal',
      });
    if (channel.visibility === 'network') {
      throw invalid('caseId', {
        en: 'cannot be set in a channel that observers read; post in the case thread instead',
        es: 'no se puede indicar en un canal que leen los observadores; escriba en el hilo del caso',
      });
    }
    if (channel.visibility === 'officers') {
      if (kase.handling !== 'network') {
        throw invalid('caseId', {
          en: 'an involved-countries case can be referenced only in its thread or a private channel of its countries',
          es: 'un caso de países involucrados solo se puede mencionar en su hilo o en un canal privado de sus países',
        });
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
    if (!all)
      throw invalid('caseId', {
        en: 'every member of this private channel must be able to read the case',
        es: 'todos los miembros de este canal privado deben poder leer el caso',
      });
  }
}
