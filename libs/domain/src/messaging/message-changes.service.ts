import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { Conflict, NotAllowed, NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { ChannelAccess } from './channel-access.service.js';
import type { ChannelRecord } from './channels.repository.js';
import { isUuid, validateBody } from './message-rules.js';
import { messageView, type MessageRow, type MessageView } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';

/**
 * What happens to a message after it is sent: its author edits or deletes it (a tombstone stays; the previous bodies
 * are kept and audited), readers acknowledge it when it asked for that and see its acks; its author alone sees its history.
 */
@Injectable()
export class MessageChangesService {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly access: ChannelAccess,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** A message in a channel the caller may read, with that channel; 404 `message` otherwise. */
  private async readableMessage(
    p: Principal,
    messageId: string,
  ): Promise<{ row: MessageRow; channel: ChannelRecord }> {
    if (!isUuid(messageId)) throw new NotFound('message');
    const row = await this.repo.byId(messageId);
    if (!row) throw new NotFound('message');
    const channel = await this.access.readable(p, row.channelId, 'message');
    return { row, channel };
  }

  private async ownMessage(
    p: Principal,
    messageId: string,
    verb: 'edit' | 'delete',
  ): Promise<{ row: MessageRow; channel: ChannelRecord }> {
    const { row, channel } = await this.readableMessage(p, messageId);
    if (row.authorId !== p.id)
      throw new NotAllowed({
        en: `Only the author can ${verb} a message.`,
        es: `Solo el autor puede ${verb === 'edit' ? 'editar' : 'eliminar'} un mensaje.`,
      });
    if (row.deletedAt)
      throw new Conflict(
        { en: 'The message was deleted.', es: 'El mensaje fue eliminado.' },
        'MESSAGE_DELETED',
      );
    if (channel.kind === 'case' && channel.caseStatus === 'closed')
      throw new Conflict(
        {
          en: `The case is closed; reopen it to ${verb} its messages.`,
          es: `El caso está cerrado; reábralo para ${verb === 'edit' ? 'editar' : 'eliminar'} sus mensajes.`,
        },
        'CASE_CLOSED',
      );
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
      if (!done)
        throw new Conflict(
          { en: 'The message was deleted.', es: 'El mensaje fue eliminado.' },
          'MESSAGE_DELETED',
        );
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
    this.events.publish(kind === 'edit' ? 'message.updated' : 'message.deleted', { message: view });
    return view;
  }

  /**
   * The edit history of a message (previous bodies, also of a deleted one): for its author only. Other readers see
   * the current text or the tombstone; the audit log keeps who changed what.
   */
  async history(p: Principal, messageId: string) {
    const { row } = await this.readableMessage(p, messageId);
    if (row.authorId !== p.id)
      throw new NotAllowed({
        en: 'Only the author can read the history of a message.',
        es: 'Solo el autor puede leer el historial de un mensaje.',
      });
    return (await this.repo.history(messageId)).map((h) => ({ ...h, at: new Date(h.at).toISOString() }));
  }

  async ack(
    ctx: RequestContext,
    p: Principal,
    messageId: string,
  ): Promise<{ messageId: string; ackedAt: string; created: boolean }> {
    const { row, channel } = await this.readableMessage(p, messageId);
    if (!row.requestAck)
      throw new Conflict(
        {
          en: 'This message did not request an acknowledgement.',
          es: 'Este mensaje no pidió acuse de recibo.',
        },
        'ACK_NOT_REQUESTED',
      );
    if (row.deletedAt)
      throw new Conflict(
        { en: 'The message was deleted.', es: 'El mensaje fue eliminado.' },
        'MESSAGE_DELETED',
      );
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
    this.events.publish('message.acked', {
      messageId,
      channelId: row.channelId,
      caseId: row.caseId,
      seq: Number(row.seq),
      user: { id: p.id, displayName: p.displayName, country: p.country ?? null },
      ackedAt,
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
    await this.readableMessage(p, messageId);
    return (await this.repo.acks(messageId)).map((a) => ({
      user: { id: a.userId, displayName: a.displayName, country: a.country },
      ackedAt: new Date(a.ackedAt).toISOString(),
    }));
  }
}
