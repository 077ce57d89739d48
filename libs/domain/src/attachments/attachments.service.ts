import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { Conflict, invalid, NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { ChannelAccess } from '../messaging/channel-access.service.js';
import { ChannelsRepository, type ChannelRecord } from '../messaging/channels.repository.js';
import { isUuid } from '../messaging/message-rules.js';
import { AttachmentAccessPolicy } from './attachment-access.policy.js';
import { AttachmentStore } from './attachment.ports.js';
import { guarded, splitHead } from './attachment-stream.js';
import { acceptType, cleanName, SNIFF_BYTES } from './attachment-types.js';
import { AttachmentsRepository, type AttachmentRecord } from './attachments.repository.js';

/** An uploaded attachment as its uploader sees it (`POST /api/channels/:id/attachments`). */
export interface UploadedAttachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
}

/** What an upload brings: the file part's name, its declared type and its bytes, not yet read. */
export interface IncomingFile {
  name: string;
  declaredType: string;
  bytes: AsyncIterable<Uint8Array>;
}

/** Unsent uploads are given up after this long. */
export const UNSENT_TTL_MS = 24 * 3600 * 1000;

/**
 * Attachments: upload to a channel or case thread (streamed: sniffed, size-checked, hashed and stored chunk by chunk),
 * download by whoever may read the message (case attachments audited), bytes removed when the message is deleted and
 * for uploads never sent. Messages reference them through `attachmentIds` (MessageSendingService).
 */
@Injectable()
export class AttachmentsService implements OnModuleInit {
  private readonly logger = new Logger('Attachments');

  constructor(
    private readonly repo: AttachmentsRepository,
    private readonly store: AttachmentStore,
    private readonly channels: ChannelsRepository,
    private readonly access: ChannelAccess,
    private readonly policy: AttachmentAccessPolicy,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // A deleted message's attachments are already unreachable (same transaction); their bytes go now.
    this.events.on('message.deleted', () => {
      this.removeDeletedBytes().catch((e) => this.logger.warn(`removing bytes: ${String(e?.message ?? e)}`));
    });
  }

  get maxBytes(): number {
    return this.config.attachmentMaxBytes;
  }

  /** The channel an upload goes to, checked before any byte is read: 404 unreadable, 409 a closed case. */
  async uploadTarget(p: Principal, channelId: string): Promise<ChannelRecord> {
    const channel = isUuid(channelId) ? await this.channels.load(channelId, p.id) : null;
    if (!channel || !this.policy.canUpload(p, ChannelAccess.facts(channel))) throw new NotFound('channel');
    if (channel.kind === 'case' && channel.caseStatus === 'closed')
      throw new Conflict(
        {
          en: 'The case is closed; reopen it to add files to its thread.',
          es: 'El caso está cerrado; reábralo para añadir archivos a su hilo.',
        },
        'CASE_CLOSED',
      );
    return channel;
  }

  /**
   * Stores one upload: its first bytes decide the type (415 when not accepted or not what the name says), then the
   * bytes stream into the store, counted (413 past ATTACHMENT_MAX_BYTES) and hashed. Nothing is kept on failure.
   */
  async upload(
    ctx: RequestContext,
    p: Principal,
    channel: ChannelRecord,
    file: IncomingFile,
  ): Promise<UploadedAttachment> {
    const name = cleanName(file.name);
    if (!name)
      throw invalid('file', {
        en: 'must have a file name',
        es: 'debe tener un nombre de archivo',
      });
    const { head, all } = await splitHead(file.bytes, SNIFF_BYTES);
    const sniffed = await fileTypeFromBuffer(head);
    const type = acceptType(name, file.declaredType, sniffed?.mime, head);
    const stored = await this.store.put(guarded(all, { maxBytes: this.maxBytes, text: type.text }));
    let id: string;
    try {
      id = await this.repo.insert({
        channelId: channel.id,
        uploaderId: p.id,
        name,
        contentType: type.contentType,
        size: stored.size,
        sha256: stored.sha256,
        storageKey: stored.key,
        at: this.clock.now(),
      });
    } catch (error) {
      await this.store.delete([stored.key]).catch(() => undefined);
      throw error;
    }
    if (channel.kind === 'case') {
      await this.audit.record(ctx, {
        action: 'attachment.upload',
        targetType: 'attachment',
        targetId: id,
        details: { caseId: channel.caseId, channelId: channel.id, size: stored.size, sha256: stored.sha256 },
      });
    }
    return { id, name, size: stored.size, contentType: type.contentType, sha256: stored.sha256 };
  }

  /**
   * An attachment's bytes for a caller who may have them (404 for anyone else, also once its message is deleted).
   * Every download of a case attachment is audited (`attachment.download`), and so is every refused attempt on one.
   */
  async download(
    ctx: RequestContext,
    p: Principal,
    attachmentId: string,
  ): Promise<{ attachment: UploadedAttachment; bytes: Readable }> {
    const a = isUuid(attachmentId) ? await this.repo.byId(attachmentId) : null;
    if (!a) throw new NotFound('attachment');
    const channel = await this.channels.load(a.channelId, p.id);
    const allowed =
      !!channel &&
      this.policy.canDownload(p, {
        channel: ChannelAccess.facts(channel),
        uploaderId: a.uploaderId,
        sent: !!a.messageId,
        gone: !!a.deletedAt || !!a.messageDeletedAt || !a.storageKey,
      });
    const details = channel?.kind === 'case' ? { caseId: channel.caseId, messageId: a.messageId } : null;
    if (!allowed) {
      if (details)
        await this.audit.record(ctx, {
          action: 'attachment.download.denied',
          targetType: 'attachment',
          targetId: a.id,
          details,
        });
      throw new NotFound('attachment');
    }
    const bytes = await this.store.get(a.storageKey!);
    if (!bytes) throw new NotFound('attachment');
    if (details)
      await this.audit.record(ctx, {
        action: 'attachment.download',
        targetType: 'attachment',
        targetId: a.id,
        details: { ...details, sha256: a.sha256 },
      });
    return { attachment: view(a), bytes };
  }

  /**
   * The periodic clean-up (worker): uploads never sent within 24 hours are given up, their bytes and those of
   * deleted messages' attachments removed, and what interrupted uploads left in the store swept.
   */
  async purge(): Promise<{ removed: number; swept: number }> {
    const now = this.clock.now();
    const before = new Date(now.getTime() - UNSENT_TTL_MS);
    await this.repo.abandonUnsent(before, now);
    const removed = await this.removeDeletedBytes();
    const swept = await this.store.sweep(before);
    return { removed, swept };
  }

  /** Removes the bytes of deleted attachments, a batch at a time. */
  async removeDeletedBytes(): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.repo.bytesToRemove(100);
      if (!batch.length) return removed;
      await this.store.delete(batch.map((b) => b.storageKey));
      await this.repo.bytesRemoved(batch.map((b) => b.id));
      removed += batch.length;
    }
  }
}

function view(a: AttachmentRecord): UploadedAttachment {
  return { id: a.id, name: a.name, size: a.size, contentType: a.contentType, sha256: a.sha256.trim() };
}
