import { Module } from '@nestjs/common';
import { DigestAccessPolicy } from './digest-access.policy.js';
import { DigestContentRepository } from './digest-content.repository.js';
import { DigestContentService, PublishedTrainingEvents } from './digest-content.service.js';
import { DigestCycleService } from './digest-cycle.service.js';
import { DigestSubscriptionsRepository } from './digest-subscriptions.repository.js';
import { DigestSubscriptionsService } from './digest-subscriptions.service.js';
import { DigestTrainingSource } from './digest.ports.js';
import { MissedMessagesRepository } from './missed-messages.repository.js';
import { MissedMessagesService } from './missed-messages.service.js';

const providers = [
  DigestAccessPolicy,
  DigestContentRepository,
  DigestContentService,
  DigestCycleService,
  DigestSubscriptionsRepository,
  DigestSubscriptionsService,
  MissedMessagesRepository,
  MissedMessagesService,
];

/**
 * Email digests and missed-message emails (issue 11). Needs the ports DigestJobQueue, DigestMail and Presence from
 * the infrastructure (bound globally by apps/worker/src/digests/digest-ports.module.ts).
 */
@Module({
  providers: [...providers, { provide: DigestTrainingSource, useClass: PublishedTrainingEvents }],
  exports: [...providers, DigestTrainingSource],
})
export class DigestsDomainModule {}
