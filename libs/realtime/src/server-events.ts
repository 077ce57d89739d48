import type {
  CaseView,
  ChannelView,
  FollowUpReminderEvent,
  FollowUpView,
  MessageView,
  SheetPublishedEvent,
  TrainingEventView,
  TrainingRegistrationEvent,
  TrainingReminderEvent,
} from '#domain';

/** A person as events show them. */
export interface UserRef {
  id: string;
  displayName: string;
  country: string | null;
}

export interface MessageAckedPayload {
  messageId: string;
  channelId: string;
  caseId: string | null;
  seq: number;
  user: UserRef;
  ackedAt: string;
}

export interface MentionNotification {
  kind: 'mention';
  messageId: string;
  channelId: string;
  caseId: string | null;
  seq: number;
  author: UserRef | null;
  title: { en: string; es: string };
}

/**
 * Every server → client socket event and its payload (immich's `ClientEventMap`): `libs/realtime` alone emits them,
 * from the domain events (see `RealtimeFanout`) and from the gateway (`access.updated`). `docs/asyncapi.yaml`
 * documents exactly these (a test compares them).
 */
export interface ServerEventMap {
  'message.created': MessageView;
  'message.updated': MessageView;
  'message.deleted': MessageView;
  'message.acked': MessageAckedPayload;
  notification: MentionNotification;
  'case.created': CaseView;
  'case.updated': CaseView;
  'channel.created': ChannelView;
  'followup.reminder': FollowUpReminderEvent;
  'followup.updated': FollowUpView;
  'training.published': TrainingEventView;
  'training.updated': TrainingEventView;
  'training.cancelled': TrainingEventView;
  'training.registration': TrainingRegistrationEvent;
  'training.reminder': TrainingReminderEvent;
  'sheet.published': SheetPublishedEvent;
  typing: { channelId: string; user: UserRef };
  presence: { user: UserRef; status: 'online' | 'offline' };
  /** This API process is stopping: the connection closes next; reconnect (to another process) after the delay. */
  'server.draining': { reconnectAfterMs: number };
  'access.updated': { memberships: Array<{ network: string; role: 'officer' | 'observer' }> };
}

export type ServerEvent = keyof ServerEventMap;

const names: { [E in ServerEvent]: true } = {
  'message.created': true,
  'message.updated': true,
  'message.deleted': true,
  'message.acked': true,
  notification: true,
  'case.created': true,
  'case.updated': true,
  'channel.created': true,
  'followup.reminder': true,
  'followup.updated': true,
  'training.published': true,
  'training.updated': true,
  'training.cancelled': true,
  'training.registration': true,
  'training.reminder': true,
  'sheet.published': true,
  typing: true,
  presence: true,
  'server.draining': true,
  'access.updated': true,
};

/** The names of every server → client event (kept exhaustive by the type above). */
export const SERVER_EVENTS: readonly ServerEvent[] = Object.keys(names) as ServerEvent[];
