import { Module } from '@nestjs/common';
import { MessagingDomainModule } from '../messaging/messaging.module.js';
import { AttachmentAccessPolicy } from './attachment-access.policy.js';
import { AttachmentStore } from './attachment.ports.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';
import { PostgresAttachmentStore } from './postgres-attachment.store.js';

const providers = [
  AttachmentAccessPolicy,
  AttachmentsRepository,
  AttachmentsService,
  PostgresAttachmentStore,
];

/**
 * Attachments on channels and case threads (issue 12). The bytes go to the `AttachmentStore` port, bound here to the
 * PostgreSQL store; another store (S3-compatible) is bound by overriding that provider.
 */
@Module({
  imports: [MessagingDomainModule],
  providers: [...providers, { provide: AttachmentStore, useExisting: PostgresAttachmentStore }],
  exports: [...providers, AttachmentStore],
})
export class AttachmentsDomainModule {}
