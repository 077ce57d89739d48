import { Module } from '@nestjs/common';
import { TrainingAccessPolicy } from './training-access.policy.js';
import { TrainingCalendarService } from './training-calendar.service.js';
import { TrainingDeliveriesRepository } from './training-deliveries.repository.js';
import { TrainingDeliveryService } from './training-delivery.service.js';
import { TrainingEventsService } from './training-events.service.js';
import { TrainingNeedsRepository } from './training-needs.repository.js';
import { TrainingNeedsService } from './training-needs.service.js';
import { TrainingNotifier } from './training-notifier.js';
import { TrainingRegistrationsService } from './training-registrations.service.js';
import { TrainingRepository } from './training.repository.js';
import { TrainingScheduler } from './training.scheduler.js';

const providers = [
  TrainingAccessPolicy,
  TrainingRepository,
  TrainingDeliveriesRepository,
  TrainingNeedsRepository,
  TrainingScheduler,
  TrainingNotifier,
  TrainingEventsService,
  TrainingRegistrationsService,
  TrainingDeliveryService,
  TrainingCalendarService,
  TrainingNeedsService,
];

/** Training events, registrations, reminders, calendars and training needs (issue 10). */
@Module({ providers, exports: providers })
export class TrainingDomainModule {}
