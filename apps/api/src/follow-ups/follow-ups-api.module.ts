import { Module } from '@nestjs/common';
import { FollowUpsController } from './follow-ups.controller.js';
import { WorkPlanController } from './work-plan.controller.js';

/** REST controllers for follow-up items, the board and the Work Plan (issue 3). */
@Module({ controllers: [FollowUpsController, WorkPlanController] })
export class FollowUpsApiModule {}
