import { Injectable } from '@nestjs/common';
import type { Principal } from '../accounts/principal.js';
import {
  accessScope,
  ChannelAccessPolicy,
  type ChannelAccessFacts,
} from '../messaging/channel-access.policy.js';

/** What decides who may have an attachment. */
export interface AttachmentAccessFacts {
  /** The channel or case thread it was uploaded to (for the caller: `isMember` is theirs). */
  channel: ChannelAccessFacts;
  uploaderId: string;
  /** Whether a message carries it. */
  sent: boolean;
  /** Its message was deleted, or the upload was given up: its bytes are gone or going. */
  gone: boolean;
}

/**
 * Who may upload and download attachments. A file is content: it has the readers of the message that carries it.
 * - Upload: whoever may post in the channel or case thread (its readers, ChannelAccessPolicy; case threads: the case's
 *   readers, so `involved` cases only officers of a listed country).
 * - Download of a sent attachment: whoever may read the channel or case thread now (a case's readers; staff and
 *   observers read no case thread). An unsent upload: only its uploader, while they may still post there.
 * - Nobody, once its message is deleted (or the upload given up).
 * Whoever may not have it may not know it exists: 404.
 */
@Injectable()
export class AttachmentAccessPolicy {
  canUpload(p: Principal, channel: ChannelAccessFacts): boolean {
    return ChannelAccessPolicy.canRead(accessScope(p), channel);
  }

  canDownload(p: Principal, a: AttachmentAccessFacts): boolean {
    if (a.gone) return false;
    if (!ChannelAccessPolicy.canRead(accessScope(p), a.channel)) return false;
    return a.sent || a.uploaderId === p.id;
  }
}
