import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { FollowUpReminderEvent, FollowUpView } from '../follow-ups/follow-up.types.js';
import type { CaseAccessFacts } from '../messaging/case-access.policy.js';
import type { CaseView } from '../messaging/case.view.js';
import type { ChannelView } from '../messaging/channels.service.js';
import type { MessageView } from '../messaging/message.view.js';
import type { SheetPublishedEvent } from '../sheets/sheet.types.js';
import type {
  TrainingEventView,
  TrainingRegistrationEvent,
  TrainingReminderEvent,
} from '../training/training.types.js';

/** A person as the events name them. */
export interface EventUser {
  id: string;
  displayName: string;
  country: string | null;
}

/**
 * What happened in the domain (immich's `EventMap`; Zulip's `send_event_on_commit`): services publish these after
 * their transaction commits, in the order things happened, and say nothing about who hears it or how. The realtime
 * layer (`libs/realtime`, `RealtimeFanout`) alone turns them into socket rooms, event names and payloads; other
 * layers may subscribe too. Services never import socket.io or BullMQ.
 */
export interface DomainEventMap {
  /** A message was stored in a channel or case thread (by a person or by the system). */
  'message.created': { message: MessageView };
  /** A message's body was edited. */
  'message.updated': { message: MessageView };
  /** A message was deleted (the tombstone). */
  'message.deleted': { message: MessageView };
  /** A reader acknowledged a message that requested it. */
  'message.acked': {
    messageId: string;
    channelId: string;
    caseId: string | null;
    seq: number;
    user: EventUser;
    ackedAt: string;
  };
  /** These users, who may read the message, were mentioned in it. */
  'message.mentioned': { userIds: string[]; message: MessageView };
  /** A case was opened; `access` says who may read it. */
  'case.created': { case: CaseView; access: CaseAccessFacts };
  /** A case changed; when `accessChanged`, who may read it changed too. */
  'case.updated': { case: CaseView; access: CaseAccessFacts; accessChanged: boolean };
  /** A channel was created in a network; `memberIds` are the listed members of a private channel. */
  'channel.created': { channel: ChannelView; networkId: string; memberIds: string[] };
  /** Users were added to a private channel. */
  'channel.members.added': { channelId: string; userIds: string[] };
  /** A user was removed from a private channel. */
  'channel.members.removed': { channelId: string; userId: string };
  /** These officers are reminded of a follow-up item (each delivery claimed once). */
  'followup.reminder': { userIds: string[]; reminder: FollowUpReminderEvent };
  /** A follow-up item was created or changed. */
  'followup.updated': { networkId: string; followUp: FollowUpView };
  /** A training event was published, changed after publication, or cancelled (`networkIds`: its networks). */
  'training.published': { event: TrainingEventView; networkIds: string[] };
  'training.updated': { event: TrainingEventView; networkIds: string[] };
  'training.cancelled': { event: TrainingEventView; networkIds: string[] };
  /** A user's registration for a training event changed (registered, waitlisted, withdrawn, promoted). */
  'training.registration': { userId: string; registration: TrainingRegistrationEvent };
  /** These registrants are reminded of a training event (each delivery claimed once). */
  'training.reminder': { userIds: string[]; reminder: TrainingReminderEvent };
  /** A country published a new version of one of its sheets (`networkIds`: every network; sheets are for all members). */
  'sheet.published': { sheet: SheetPublishedEvent; networkIds: string[] };
  /** A user is typing in a channel (from one of their sockets, which does not hear it back). */
  typing: { channelId: string; user: EventUser; originSocketId?: string };
  /** A user came online (first live socket) or went offline (last one gone, on every process). */
  presence: { user: EventUser; status: 'online' | 'offline' };
  /** A user's memberships, roles or sessions changed: live sockets re-evaluate their rooms. */
  'access.changed': { userIds: string[] };
}

export type DomainEventName = keyof DomainEventMap;

@Injectable()
export class DomainEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends DomainEventName>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
