import { Module } from '@nestjs/common';
import { WorkPlanRepository } from '../work-plan/work-plan.repository.js';
import { WorkPlanService } from '../work-plan/work-plan.service.js';
import { FollowUpAccessPolicy } from './follow-up-access.policy.js';
import { FollowUpRemindersService } from './follow-up-reminders.service.js';
import { FollowUpScheduler } from './follow-up.scheduler.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { FollowUpsService } from './follow-ups.service.js';
import { PresidencyHandoverRepository } from './presidency-handover.repository.js';
import { PresidencyHandoverService } from './presidency-handover.service.js';
import { SheetFollowUpsRepository } from './sheet-follow-ups.repository.js';
import { SheetFollowUpsService } from './sheet-follow-ups.service.js';

const providers = [
  FollowUpAccessPolicy,
  FollowUpsRepository,
  FollowUpScheduler,
  FollowUpsService,
  FollowUpRemindersService,
  PresidencyHandoverRepository,
  PresidencyHandoverService,
  WorkPlanRepository,
  WorkPlanService,
  SheetFollowUpsRepository,
  SheetFollowUpsService,
];

/** Follow-up items, reminders, the Work Plan and the PPT handover (issue 3). */
@Module({ providers, exports: providers })
export class FollowUpsDomainModule {}
