import { Module } from '@nestjs/common';
import { DigestPagesController } from './digest-pages.controller.js';
import { DigestsController } from './digests.controller.js';

/** REST routes of digests and the confirm / unsubscribe pages (issue 11). */
@Module({ controllers: [DigestsController, DigestPagesController] })
export class DigestsApiModule {}
