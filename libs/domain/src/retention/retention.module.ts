import { Module } from '@nestjs/common';
import { RetentionAccessPolicy } from './retention-access.policy.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

const providers = [RetentionAccessPolicy, RetentionRepository, RetentionService];

/** The retention purge of messages, case records and audit rows (issue 14). */
@Module({ providers, exports: providers })
export class RetentionDomainModule {}
