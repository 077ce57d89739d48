import { Module } from '@nestjs/common';
import { TrainingCalendarController } from './training-calendar.controller.js';
import { TrainingEventsController } from './training-events.controller.js';
import { TrainingNeedsController } from './training-needs.controller.js';

/** REST controllers for training events, registrations, calendars and training needs (issue 10). */
@Module({ controllers: [TrainingEventsController, TrainingCalendarController, TrainingNeedsController] })
export class TrainingApiModule {}
