import { Module } from '@nestjs/common';
import { FollowUpsDomainModule } from '../follow-ups/follow-ups.module.js';
import { SheetAccessPolicy } from './sheet-access.policy.js';
import { SheetsRepository } from './sheets.repository.js';
import { SheetsService } from './sheets.service.js';

const providers = [SheetAccessPolicy, SheetsRepository, SheetsService];

/** Country sheets, the Virtual Secretariat's library (issue 12). */
@Module({ imports: [FollowUpsDomainModule], providers, exports: providers })
export class SheetsDomainModule {}
