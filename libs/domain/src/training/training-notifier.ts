import { Injectable, Logger } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events.js';
import { formatDateTime } from '../common/i18n.js';
import { SystemMessages } from '../common/system-messages.js';
import { TrainingScheduler } from './training.scheduler.js';
import {
  eventView,
  type TrainingEventRow,
  type TrainingRegistrationEvent,
  type TrainingReminderEvent,
} from './training.types.js';

export type TrainingSocketEvent = 'training.published' | 'training.updated' | 'training.cancelled';

/** A message body holds at most 10,000 characters: each language gets a part. */
const clip = (text: string, max = 1500) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * What follows a committed change of a training event: the socket events, the notice in each network's `training`
 * channel (idempotent), and the email job of the deliveries the change claimed. A failing queue or channel post
 * never undoes the change: the worker's reconcile sweep posts and queues again what is missing.
 */
@Injectable()
export class TrainingNotifier {
  private readonly logger = new Logger('TrainingNotifier');

  constructor(
    private readonly events: DomainEvents,
    private readonly systemMessages: SystemMessages,
    private readonly scheduler: TrainingScheduler,
  ) {}

  /** Published, changed or cancelled: the realtime layer tells the event's networks' members (and staff). */
  changed(name: TrainingSocketEvent, event: TrainingEventRow): void {
    this.events.publish(name, { event: eventView(event), networkIds: event.networkIds });
  }

  /** Someone's registration changed (registered, waitlisted, withdrawn, promoted). */
  registration(userId: string, registration: TrainingRegistrationEvent): void {
    this.events.publish('training.registration', { userId, registration });
  }

  /** These registrants are reminded (each delivery claimed once). */
  reminder(userIds: string[], reminder: TrainingReminderEvent): void {
    if (userIds.length) this.events.publish('training.reminder', { userIds, reminder });
  }

  /** The bilingual notice of a publication or a cancellation in each network's `training` channel. */
  async postNotice(event: TrainingEventRow, what: 'published' | 'cancelled'): Promise<void> {
    const when = (l: 'en' | 'es') => formatDateTime(new Date(event.startsAt), event.timezone, l);
    const where = (l: 'en' | 'es') =>
      'url' in event.location
        ? `${l === 'en' ? 'online' : 'en línea'} (${event.location.url})`
        : `${event.location.city}, ${event.location.country}`;
    const en =
      what === 'published'
        ? `New training event: "${clip(event.title.en, 200)}", ${when('en')}, ${where('en')}. Register in Enlace.`
        : `Cancelled training event: "${clip(event.title.en, 200)}" (${when('en')}).`;
    const es =
      what === 'published'
        ? `Nueva actividad de capacitación: «${clip(event.title.es, 200)}», ${when('es')}, ${where('es')}. Inscríbase en Enlace.`
        : `Actividad de capacitación cancelada: «${clip(event.title.es, 200)}» (${when('es')}).`;
    for (const network of event.networks) {
      await this.systemMessages.post({
        channelId: await this.systemMessages.channelId(network, 'training'),
        body: `${en}\n\n${es}`,
        idempotencyKey: `training:${event.id}:${what}:${network}`,
      });
    }
  }

  /** Runs the after-commit steps one by one; a failure is logged and left to the reconcile sweep. */
  async afterCommit(eventId: string, steps: Array<[string, () => Promise<void> | void]>): Promise<void> {
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.logger.error(
          `training ${eventId}: ${name} failed (the reconcile sweep retries): ${String(error)}`,
        );
      }
    }
  }

  queueEmails(eventId: string, key: string): Promise<void> {
    return this.scheduler.queueEmails(eventId, key);
  }
}
