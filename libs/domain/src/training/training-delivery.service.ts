import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { parseSignedDuration } from '../follow-ups/durations.js';
import { sendClaimedEmails } from '../follow-ups/email-delivery.js';
import type { EmailEnvelope } from '../follow-ups/follow-up.ports.js';
import {
  TrainingDeliveriesRepository,
  type UnsentTrainingDelivery,
} from './training-deliveries.repository.js';
import { parseMailbox, trainingCalendar, type CalendarMethod } from './training-calendar.js';
import { TrainingNotifier } from './training-notifier.js';
import {
  type TrainingCalendarPart,
  TrainingMail,
  type TrainingMailInput,
  type TrainingMailKind,
  type TrainingReminderJobData,
} from './training.ports.js';
import { TrainingRepository } from './training.repository.js';
import { TrainingScheduler } from './training.scheduler.js';
import type { TrainingEventRow, TrainingReminderEvent } from './training.types.js';

export type TrainingDeliveryOutcome = { delivered: number; skipped?: string };

const METHOD: Record<TrainingMailKind, CalendarMethod> = {
  notice: 'PUBLISH',
  reminder: 'REQUEST',
  update: 'REQUEST',
  registration: 'REQUEST',
  promotion: 'REQUEST',
  cancel: 'CANCEL',
};

/**
 * Worker side of training events: reminders (claimed in the transaction that checks the event, socket events for
 * the rows this run inserted only), emails row by row (pending → sending → sent, fixed Message-ID), and the
 * reconcile sweep. The same exactly-once mechanics as follow-up reminders (FollowUpRemindersService).
 */
@Injectable()
export class TrainingDeliveryService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly deliveries: TrainingDeliveriesRepository,
    private readonly notifier: TrainingNotifier,
    private readonly scheduler: TrainingScheduler,
    private readonly dataSource: DataSource,
    private readonly mail: TrainingMail,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliverReminder(job: TrainingReminderJobData): Promise<TrainingDeliveryOutcome> {
    const offset = parseSignedDuration(job.offset);
    if (!offset) return { delivered: 0, skipped: 'invalid offset' };
    const key = `v${job.version}/${offset.text}`;
    const claimed = await this.dataSource.transaction(async (m) => {
      const event = await this.repo.byId(job.eventId, m, 'share');
      if (!event) return { stale: 'event gone' };
      if (event.status !== 'published') return { stale: event.status };
      if (event.reminderVersion !== job.version) return { stale: 'startsAt moved' };
      const registrants = await this.deliveries.registrantIds(event.id, ['registered'], m);
      const rows = await this.deliveries.claim(event.id, key, 'reminder', registrants, m);
      return { event, rows };
    });
    if ('stale' in claimed) return { delivered: 0, skipped: claimed.stale };
    const { event, rows } = claimed;
    const payload: TrainingReminderEvent = {
      eventId: event.id,
      title: event.title,
      startsAt: new Date(event.startsAt).toISOString(),
      daysBefore: Math.round(offset.duration.as('days')),
      reminder: key,
    };
    this.notifier.reminder(rows, payload);
    await this.scheduler.queueEmails(event.id, key);
    return { delivered: rows.length };
  }

  /** Sends the emails of one delivery key that are not sent yet; one failure does not stop the others. */
  async sendEmails(eventId: string, key: string): Promise<TrainingDeliveryOutcome> {
    const event = await this.repo.byId(eventId);
    if (!event) return { delivered: 0, skipped: 'event gone' };
    if (event.status === 'cancelled' && key !== 'cancel') {
      await this.deliveries.skipUnsent(eventId, key);
      return { delivered: 0, skipped: 'cancelled' };
    }
    const rows = await this.deliveries.unsent(eventId, key);
    if (!rows.length) return { delivered: 0 };
    const names = await this.repo.names();
    const delivered = await sendClaimedEmails(rows, {
      claim: (r) => this.deliveries.claimEmail(eventId, key, r.userId),
      send: (r) => {
        const { envelope, input, calendar } = this.render(event, r, names);
        return this.mail.send(envelope, input, calendar);
      },
      sent: (r) => this.deliveries.markSent(eventId, key, r.userId),
      label: (r) => `user ${r.userId}`,
    });
    return { delivered };
  }

  private render(
    event: TrainingEventRow,
    r: UnsentTrainingDelivery,
    names: Map<string, { en: string; es: string }>,
  ): { envelope: EmailEnvelope; input: TrainingMailInput; calendar: TrainingCalendarPart } {
    const name = (code: string) => names.get(code) ?? { en: code, es: code };
    const method = METHOD[r.kind];
    const daysBefore =
      r.kind === 'reminder'
        ? Math.round(parseSignedDuration(r.key.split('/')[1])?.duration.as('days') ?? 1)
        : undefined;
    const input: TrainingMailInput = {
      kind: r.kind,
      locale: r.locale,
      timezone: r.timezone,
      recipientName: r.displayName,
      title: event.title,
      description: event.description,
      networks: event.networks.map((n) => name(`network:${n}`)),
      sponsors: event.sponsors.map(name),
      startsAt: new Date(event.startsAt),
      endsAt: new Date(event.endsAt),
      location:
        'url' in event.location
          ? { url: event.location.url }
          : { city: event.location.city, country: name(event.location.country) },
      registrationDeadline: event.registrationDeadline ? new Date(event.registrationDeadline) : null,
      daysBefore,
      link: `${this.config.publicUrl}/training/${event.id}`,
    };
    return {
      envelope: {
        to: r.email,
        language: r.locale,
        messageId: `training.${event.id}.${r.key.replace(/\//g, '.')}.${r.userId}`,
      },
      input,
      calendar: {
        method,
        filename: 'training.ics',
        content: trainingCalendar([event], {
          method,
          locale: r.locale,
          publicUrl: this.config.publicUrl,
          organizer: parseMailbox(this.config.mailFrom),
          attendee: { name: r.displayName, email: r.email },
        }),
      },
    };
  }

  /**
   * Repairs what a crash between a commit and the queue (or the channel) left behind: reminder jobs of published
   * events ahead, notices of events published in the last day, email jobs of unsent rows of the last week.
   */
  async reconcile(): Promise<number> {
    const now = this.clock.now().getTime();
    const events = await this.repo.upcomingPublished(new Date(now));
    for (const e of events) {
      await this.scheduler.schedule(e);
      if (e.publishedAt && now - new Date(e.publishedAt).getTime() < 86_400_000)
        await this.notifier.postNotice(e, 'published');
    }
    for (const { eventId, key } of await this.deliveries.unsentKeys(new Date(now - 7 * 86_400_000)))
      await this.scheduler.queueEmails(eventId, key);
    return events.length;
  }
}
