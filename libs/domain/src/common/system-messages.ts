/**
 * Posting a message as the system (reminders, handover summaries, training notices, case changes) into a channel.
 * Implemented by the messaging feature; other features depend only on this contract.
 */
export interface SystemMessageInput {
  channelId: string;
  /** Shown to every reader; write it in English and Spanish ("EN text\n\nES text") since readers differ. */
  body: string;
  caseId?: string | null;
  /** Makes the post idempotent: the same key twice stores one message. */
  idempotencyKey?: string;
  priority?: 'normal' | 'urgent';
}

export abstract class SystemMessages {
  /** Stores the message (next seq of the channel) and fans it out like any other message. */
  abstract post(input: SystemMessageInput): Promise<{ id: string; seq: number }>;
  /** The id of a network's channel by name (`general`, `cases`, `follow-up`, `training`). */
  abstract channelId(networkSlug: string, name: string): Promise<string>;
}
