import { Module } from '@nestjs/common';
import { SystemMessages } from '../common/system-messages.js';
import { CaseAccessPolicy } from './case-access.policy.js';
import { CasesRepository } from './cases.repository.js';
import { CasesService } from './cases.service.js';
import { ChannelAccessPolicy } from './channel-access.policy.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { MessagingEvents } from './messaging-events.js';
import { SearchRepository } from './search.repository.js';
import { SearchService } from './search.service.js';

const providers = [
  CaseAccessPolicy,
  CasesRepository,
  CasesService,
  ChannelAccessPolicy,
  ChannelsRepository,
  ChannelsService,
  MessagesRepository,
  MessagesService,
  MessagingEvents,
  SearchRepository,
  SearchService,
];

/** Channels, messages, cases and search (issue 2). Provides SystemMessages for the other features. */
@Module({
  providers: [...providers, { provide: SystemMessages, useExisting: MessagesService }],
  exports: [...providers, SystemMessages],
})
export class MessagingDomainModule {}
