import { Module } from '@nestjs/common';

/** REST controllers for follow-up items, the board and the Work Plan (issue 3). */
@Module({ controllers: [], providers: [] })
export class FollowUpsApiModule {}
