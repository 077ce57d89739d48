import { Module } from '@nestjs/common';
import { SystemMessages } from '../common/system-messages.js';
import { CaseAccessPolicy } from './case-access.policy.js';
import { CasesRepository } from './cases.repository.js';
import { CasesService } from './cases.service.js';
import { ChannelAccessPolicy } from './channel-access.policy.js';
import { ChannelAccess } from './channel-access.service.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { MessagesRepository } from './messages.repository.js';
import { MessageSyncRepository } from './message-sync.repository.js';
import { MessageInsertRepository } from './message-insert.repository.js';
import { MentionsService } from './mentions.service.js';
import { MessageChangesService } from './message-changes.service.js';
import { MessageReadingService } from './message-reading.service.js';
import { MessageSendingService } from './message-sending.service.js';
import { PresencePolicy, PresenceService } from './presence.service.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';
import { SystemMessagesService } from './system-messages.service.js';
import { SyncReadAhead } from './sync-read-ahead.js';

const providers = [
  CaseAccessPolicy,
  CasesRepository,
  CasesService,
  ChannelAccess,
  ChannelAccessPolicy,
  ChannelsRepository,
  ChannelsService,
  MentionsService,
  MessageInsertRepository,
  MessageChangesService,
  MessageReadingService,
  MessageSendingService,
  PresencePolicy,
  PresenceService,
  MessagesRepository,
  MessageSyncRepository,
  SearchRepository,
  SearchService,
  SyncReadAhead,
  SystemMessagesService,
];

/** Channels, messages, cases and search (issue 2). Provides SystemMessages for the other features. */
@Module({
  providers: [...providers, { provide: SystemMessages, useExisting: SystemMessagesService }],
  exports: [...providers, SystemMessages],
})
export class MessagingDomainModule {}
