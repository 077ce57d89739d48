import { Injectable } from '@nestjs/common';
import { Clock } from '#config';
import { NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { SystemMessages, type SystemMessageInput } from '../common/system-messages.js';
import { ChannelsRepository } from './channels.repository.js';
import { isUuid, validateBody } from './message-rules.js';
import { messageView, type MessageRow, type MessageView } from './message.view.js';
import { isDuplicateSystemKey, MessagesRepository } from './messages.repository.js';

/**
 * Messages posted by the system (reminders, handover summaries, training notices) in a channel: the messaging
 * feature's side of the `SystemMessages` port that the other features use.
 */
@Injectable()
export class SystemMessagesService extends SystemMessages {
  private readonly channelIdsByName = new Map<string, string>();

  constructor(
    private readonly repo: MessagesRepository,
    private readonly channels: ChannelsRepository,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {
    super();
  }

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
    this.events.publish('message.created', { message: view });
    return { view, created: true };
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
