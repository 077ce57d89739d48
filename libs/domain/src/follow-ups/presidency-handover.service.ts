import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { SystemMessages } from '../common/system-messages.js';
import { PresidencyService, utcDate } from '../presidency/presidency.service.js';
import { WorkPlanRepository } from '../work-plan/work-plan.repository.js';
import { sendClaimedEmails } from './email-delivery.js';
import { FollowUpJobs, FollowUpMail, type HandoverNetworkSummary } from './follow-up.ports.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { type HandoverRow, PresidencyHandoverRepository } from './presidency-handover.repository.js';

/** A message body holds at most 10,000 characters: each language gets half. */
const clip = (text: string) => (text.length > 4900 ? `${text.slice(0, 4899)}…` : text);

/** How many open items, overdue items and activities a summary lists by name (the counts are complete). */
const SUMMARY_LIMIT = 20;

/**
 * The PPT handover. Coordinator powers follow the date by themselves (PresidencyService.holdsPresidency); this adds
 * what people see: when a new term with another country begins (by the injected clock), a summary of each network
 * (open items, overdue items, Work Plan status) in its `follow-up` channel, and an email to the officers of both
 * countries. Open items stay as they are. Driven by the worker's tick; once per term (a row keyed by its first day).
 */
@Injectable()
export class PresidencyHandoverService {
  private readonly logger = new Logger('PresidencyHandover');

  constructor(
    private readonly repo: PresidencyHandoverRepository,
    private readonly followUps: FollowUpsRepository,
    private readonly workPlan: WorkPlanRepository,
    private readonly presidency: PresidencyService,
    private readonly systemMessages: SystemMessages,
    private readonly jobs: FollowUpJobs,
    private readonly mail: FollowUpMail,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Compares today's term with the recorded ones and carries out a handover not done yet. Idempotent. */
  async check(): Promise<HandoverRow | null> {
    const now = this.clock.now();
    const today = utcDate(now);
    const term = await this.presidency.termOn(today);
    if (!term) return null;
    let record = await this.repo.byStart(term.startsOn);
    if (!record) {
      const previous = await this.repo.previousTerm(term.startsOn);
      const kind = !previous ? 'initial' : previous.country === term.country ? 'renewal' : 'handover';
      await this.repo.insert({
        startsOn: term.startsOn,
        fromCountry: previous?.country ?? null,
        toCountry: term.country,
        handoverDate: today,
        kind,
        summary: kind === 'handover' ? await this.summary(now) : [],
      });
      record = (await this.repo.byStart(term.startsOn))!;
      if (record.kind === 'handover') {
        this.logger.log(
          `Presidency Pro-Tempore handover ${record.fromCountry} → ${record.toCountry} on ${record.handoverDate}`,
        );
      }
    }
    if (record.kind !== 'handover' || !record.fromCountry) return record;
    if (!record.postedAt) {
      const names = await this.followUps.countryNames();
      const from = names.get(record.fromCountry) ?? { en: record.fromCountry, es: record.fromCountry };
      const to = names.get(record.toCountry) ?? { en: record.toCountry, es: record.toCountry };
      for (const network of record.summary) {
        const text = (locale: 'en' | 'es') =>
          this.mail.handoverSummaryText({
            locale,
            timezone: 'UTC',
            from,
            to,
            date: record!.handoverDate,
            networks: [network],
          });
        await this.systemMessages.post({
          channelId: await this.systemMessages.channelId(network.slug, 'follow-up'),
          body: `${clip(text('en'))}\n\n${clip(text('es'))}`,
          idempotencyKey: `presidency-handover:${record.startsOn}:${network.slug}`,
        });
      }
      await this.repo.markPosted(record.startsOn);
    }
    if (!record.emailsQueuedAt) {
      await this.repo.addDeliveries(record.startsOn, [record.fromCountry, record.toCountry]);
      await this.jobs.addHandoverEmails(record.startsOn);
      await this.repo.markEmailsQueued(record.startsOn);
    }
    return record;
  }

  /** Each network: open and overdue items (counts, then the first by due time), Work Plan activities by status. */
  async summary(now: Date): Promise<HandoverNetworkSummary[]> {
    const out: HandoverNetworkSummary[] = [];
    for (const n of await this.followUps.networks()) {
      const items = await this.followUps.openItemsSummary(n.id, now, SUMMARY_LIMIT);
      const toItem = (i: { title: string; dueAt: Date; pendingCountries: string[] }) => ({
        title: i.title,
        dueAt: new Date(i.dueAt).toISOString(),
        pendingCountries: i.pendingCountries,
      });
      out.push({
        slug: n.slug,
        network: { en: n.nameEn, es: n.nameEs },
        openCount: items.openCount,
        overdueCount: items.overdueCount,
        open: items.open.map(toItem),
        overdue: items.overdue.map(toItem),
        workPlan: await this.workPlan.summary(n.id, SUMMARY_LIMIT),
      });
    }
    return out;
  }

  /** The handover emails not sent yet, each in its reader's language and time zone. */
  async sendEmails(startsOn: string): Promise<number> {
    const record = await this.repo.byStart(startsOn);
    if (!record || record.kind !== 'handover' || !record.fromCountry) return 0;
    const names = await this.followUps.countryNames();
    const from = names.get(record.fromCountry) ?? { en: record.fromCountry, es: record.fromCountry };
    const to = names.get(record.toCountry) ?? { en: record.toCountry, es: record.toCountry };
    const rows = await this.repo.unsentDeliveries(startsOn);
    return sendClaimedEmails(rows, {
      claim: (r) => this.repo.claimEmail(startsOn, r.userId),
      send: (r) => {
        const networks = record.summary.filter((n) => r.networks.includes(n.slug));
        return this.mail.sendHandover(
          { to: r.email, language: r.locale, messageId: `presidency-handover.${startsOn}.${r.userId}` },
          {
            locale: r.locale,
            timezone: r.timezone,
            recipientName: r.displayName,
            from,
            to,
            date: record.handoverDate,
            networks: networks.length ? networks : record.summary,
            link: `${this.config.publicUrl}/`,
          },
        );
      },
      sent: (r) => this.repo.markEmailSent(startsOn, r.userId),
      label: (r) => `user ${r.userId}`,
    });
  }
}
