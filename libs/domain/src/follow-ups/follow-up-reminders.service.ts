import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { DomainEvents } from '../common/domain-events.js';
import { formatDateTime } from '../common/i18n.js';
import { CaseAccessPolicy } from '../messaging/case-access.policy.js';
import { SystemMessages } from '../common/system-messages.js';
import { PresidencyService } from '../presidency/presidency.service.js';
import { approximateMs, escalationTime, parseSignedDuration, reminderKind } from './durations.js';
import { sendClaimedEmails } from './email-delivery.js';
import {
  type EmailEnvelope,
  type EscalationJobData,
  FollowUpJobs,
  FollowUpMail,
  type ReminderJobData,
} from './follow-up.ports.js';
import { FollowUpScheduler } from './follow-up.scheduler.js';
import type { FollowUpReminderEvent, FollowUpRow, NetworkRef, ReminderKind } from './follow-up.types.js';
import { FollowUpsRepository, type UnsentDelivery } from './follow-ups.repository.js';

export type DeliveryOutcome = { delivered: number; skipped?: string };

const KIND_LABEL: Record<Exclude<ReminderKind, 'escalation'>, { en: string; es: string }> = {
  upcoming: { en: 'Reminder', es: 'Recordatorio' },
  due: { en: 'Due now', es: 'Vence ahora' },
  overdue: { en: 'Overdue', es: 'Vencido' },
};

/** The name of a reminder in delivery rows and socket events. */
export const reminderKey = (version: number, offset: string) => `v${version}/${offset}`;
export const escalationKey = (version: number, seq: number) => `v${version}/escalation/${seq}`;

/**
 * Runs reminder, escalation and email jobs (worker side).
 *
 * Exactly once per officer, as far as a crash allows:
 * - the socket event: the delivery row is inserted (claimed) in the transaction that checks the item, then the event
 *   is emitted for the rows this run inserted only. A re-run or a duplicate job inserts nothing and emits nothing.
 *   A crash between the commit and the emit loses that event (at most once); the reminder still reaches the
 *   officer by email and by the channel message, which clients catch up on through `sync`.
 * - the email: sent by a separate job, row by row: 'pending' → 'sending' (claimed) → SMTP → 'sent'. A re-run sends
 *   rows left 'pending' or 'sending' by a dead worker again, with the same Message-ID. The one duplicate left is a
 *   crash after the SMTP server accepted a message and before the row says 'sent' (milliseconds); the same
 *   Message-ID lets mail systems drop it.
 * - the channel message: posted with an idempotency key, once per reminder.
 */
@Injectable()
export class FollowUpRemindersService {
  constructor(
    private readonly repo: FollowUpsRepository,
    private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly systemMessages: SystemMessages,
    private readonly presidency: PresidencyService,
    private readonly scheduler: FollowUpScheduler,
    private readonly jobs: FollowUpJobs,
    private readonly mail: FollowUpMail,
    private readonly casePolicy: CaseAccessPolicy,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliverReminder(job: ReminderJobData): Promise<DeliveryOutcome> {
    const offset = parseSignedDuration(job.offset);
    if (!offset) return { delivered: 0, skipped: 'invalid offset' };
    const kind = reminderKind(offset);
    const reminder = reminderKey(job.version, offset.text);
    const claimed = await this.dataSource.transaction(async (m) => {
      const item = await this.repo.byId(job.followUpId, m, 'share');
      const stale = this.staleReason(item, job.version);
      if (stale) return { stale };
      if (!item!.reminders.includes(offset.text)) return { stale: 'reminder removed' };
      const pending = item!.assignments.filter((a) => a.status !== 'done').map((a) => a.country);
      if (!pending.length) return { stale: 'every country is done' };
      const officers = await this.repo.officers(item!.networkId, pending, m);
      const rows = await this.repo.claimDeliveries(
        item!.id,
        reminder,
        kind,
        officers.map((o) => ({ country: o.country, userId: o.userId })),
        {},
        m,
      );
      return { item: item!, pending, rows };
    });
    if ('stale' in claimed) return { delivered: 0, skipped: claimed.stale };
    const { item, pending, rows } = claimed;

    const byCountry = new Map<string, string[]>();
    for (const r of rows) byCountry.set(r.country, [...(byCountry.get(r.country) ?? []), r.userId]);
    for (const [country, userIds] of byCountry) {
      this.emit(userIds, { ...this.eventBase(item, reminder), kind, country });
    }

    const names = await this.repo.countryNames();
    const countries = pending.map((c) => `${names.get(c)?.en ?? c} (${c})`).join(', ');
    const countriesEs = pending.map((c) => `${names.get(c)?.es ?? c} (${c})`).join(', ');
    const label = KIND_LABEL[kind];
    const body =
      `${label.en}: follow-up item "${item.title}" is due ${formatDateTime(item.dueAt, 'UTC', 'en')}. Waiting for: ${countries}.` +
      `\n\n${label.es}: el punto de seguimiento «${item.title}» vence el ${formatDateTime(item.dueAt, 'UTC', 'es')}. Pendiente de: ${countriesEs}.`;
    await this.systemMessages.post({
      channelId: await this.systemMessages.channelId(item.network, 'follow-up'),
      body,
      idempotencyKey: `follow-up:${item.id}:${reminder}`,
    });
    await this.jobs.addReminderEmails(item.id, reminder);
    return { delivered: rows.length };
  }

  async escalate(job: EscalationJobData): Promise<DeliveryOutcome> {
    const reminder = escalationKey(job.version, job.seq);
    const claimed = await this.dataSource.transaction(async (m) => {
      const item = await this.repo.byId(job.followUpId, m, 'share');
      const stale = this.staleReason(item, job.version);
      if (stale) return { stale };
      const every = item!.escalateEvery ? parseSignedDuration(item!.escalateEvery) : undefined;
      if (!every) return { stale: 'no escalation' };
      const overdue = item!.assignments.filter((a) => a.status !== 'done').map((a) => a.country);
      if (!overdue.length) return { stale: 'every country is done' };
      const ppt = await this.presidency.currentCountry();
      const officers = ppt ? await this.repo.officers(item!.networkId, [ppt], m) : [];
      const rows = await this.repo.claimDeliveries(
        item!.id,
        reminder,
        'escalation',
        officers.map((o) => ({ country: o.country, userId: o.userId })),
        { overdueCountries: overdue },
        m,
      );
      const next = this.nextEscalation(item!.dueAt, every, job.seq);
      await this.repo.advanceEscalation(item!.id, job.version, next.seq, m);
      return { item: item!, overdue, rows, next };
    });
    if ('stale' in claimed) return { delivered: 0, skipped: claimed.stale };
    const { item, overdue, rows, next } = claimed;
    const userIds = rows.map((r) => r.userId);
    if (userIds.length) {
      for (const country of overdue)
        this.emit(userIds, { ...this.eventBase(item, reminder), kind: 'escalation', country });
    }
    await this.jobs.addReminderEmails(item.id, reminder);
    await this.scheduler.scheduleEscalation(
      { followUpId: item.id, version: job.version, seq: next.seq },
      next.at,
    );
    return { delivered: rows.length };
  }

  /**
   * Adds again the jobs of every open item (a no-op for jobs that exist): repairs a schedule that a crash between a
   * commit and the queue left behind. Reminders more than a day late are left out.
   */
  async reconcile(): Promise<number> {
    const since = new Date(this.clock.now().getTime() - 24 * 3600 * 1000);
    const items = await this.repo.openSince(since);
    for (const item of items) await this.scheduler.schedule(item, since);
    return items.length;
  }

  /** Sends the emails of one reminder or escalation that are not sent yet; one failure does not stop the others. */
  async sendReminderEmails(followUpId: string, reminder: string): Promise<DeliveryOutcome> {
    const item = await this.repo.byId(followUpId);
    if (!item) return { delivered: 0, skipped: 'item gone' };
    if (item.cancelledAt) {
      await this.repo.skipUnsentEmails(followUpId, reminder);
      return { delivered: 0, skipped: 'cancelled' };
    }
    const rows = await this.repo.unsentDeliveries(followUpId, reminder);
    if (!rows.length) return { delivered: 0 };
    const network = (await this.repo.network(item.network))!;
    const names = await this.repo.countryNames();
    const linked = item.caseId ? await this.repo.linkedCase(item.caseId, item.networkId) : null;
    // Each recipient is an officer of the network: the reference is named only to those who may read the case.
    const caseReference = (row: UnsentDelivery) =>
      linked && this.casePolicy.officerCountryMayRead(row.country, linked) ? linked.reference : null;
    const delivered = await sendClaimedEmails(rows, {
      claim: (row) => this.repo.claimEmail(followUpId, row),
      send: (row) =>
        this.sendEmail(
          {
            to: row.email,
            language: row.locale,
            messageId: `follow-up.${followUpId}.${reminder.replace(/\//g, '.')}.${row.userId}`,
          },
          item,
          network,
          row,
          names,
          caseReference(row),
        ),
      sent: (row) => this.repo.markEmail(followUpId, row, 'sent'),
      label: (row) => `user ${row.userId}`,
    });
    return { delivered };
  }

  private sendEmail(
    envelope: EmailEnvelope,
    item: FollowUpRow,
    network: NetworkRef,
    row: UnsentDelivery,
    names: Map<string, { en: string; es: string }>,
    caseReference: string | null,
  ) {
    const common = {
      locale: row.locale,
      timezone: row.timezone,
      recipientName: row.displayName,
      network: { en: network.nameEn, es: network.nameEs },
      title: item.title,
      dueAt: item.dueAt,
      caseReference,
    };
    if (row.kind === 'escalation') {
      const codes: string[] = row.details?.overdueCountries ?? [];
      return this.mail.sendEscalation(envelope, {
        ...common,
        overdueCountries: codes.map((c) => names.get(c) ?? { en: c, es: c }),
        link: `${this.config.publicUrl}/networks/${item.network}/follow-ups?overdue=true`,
      });
    }
    return this.mail.sendReminder(envelope, {
      ...common,
      kind: row.kind,
      country: names.get(row.country) ?? { en: row.country, es: row.country },
      link: `${this.config.publicUrl}/follow-ups/${item.id}`,
    });
  }

  private staleReason(item: FollowUpRow | null, version: number): string | undefined {
    if (!item) return 'item gone';
    if (item.cancelledAt) return 'cancelled';
    if (item.dueVersion !== version) return 'dueAt moved';
    return undefined;
  }

  /** The next escalation after `seq`, skipping those a stopped worker missed (no burst of stale escalations). */
  private nextEscalation(
    dueAt: Date,
    every: NonNullable<ReturnType<typeof parseSignedDuration>>,
    seq: number,
  ) {
    const now = this.clock.now().getTime();
    let next = seq + 1;
    const periodMs = Math.max(1000, approximateMs(every));
    if (escalationTime(dueAt, every, next).getTime() <= now) {
      next = Math.max(next, Math.floor((now - dueAt.getTime()) / periodMs));
      while (escalationTime(dueAt, every, next).getTime() <= now) next++;
    }
    return { seq: next, at: escalationTime(dueAt, every, next) };
  }

  private eventBase(
    item: FollowUpRow,
    reminder: string,
  ): Pick<FollowUpReminderEvent, 'followUpId' | 'title' | 'dueAt' | 'network' | 'reminder'> {
    return {
      followUpId: item.id,
      title: item.title,
      dueAt: item.dueAt.toISOString(),
      network: item.network,
      reminder,
    };
  }

  private emit(userIds: string[], payload: FollowUpReminderEvent): void {
    this.events.publish('followup.reminder', { userIds, reminder: payload });
  }
}
