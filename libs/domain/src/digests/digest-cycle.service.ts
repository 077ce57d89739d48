import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { DomainError, invalid, NotAllowed } from '../common/domain-error.js';
import { DigestAccessPolicy } from './digest-access.policy.js';
import { DigestContentService } from './digest-content.service.js';
import { DAILY_OR_WEEKLY, dueHours, FREQUENCIES, type DigestFrequency } from './digest-schedule.js';
import { DigestSubscriptionsRepository } from './digest-subscriptions.repository.js';
import { UnsubscribeTokens } from './digest-tokens.js';
import { type DigestJob, DigestJobQueue, DigestMail } from './digest.ports.js';

/** A `sending` delivery is taken over after this long (longer than a job lock: only a dead worker leaves one). */
export const DELIVERY_LEASE_SECONDS = 10;
const BATCH = 500;

/** Another run holds the delivery right now: the job is retried later (BullMQ backoff). */
export class DeliveryBusy extends DomainError {
  constructor() {
    super('DELIVERY_BUSY', 409, {
      en: 'Another worker is sending this digest.',
      es: 'Otro proceso está enviando este resumen.',
    });
  }
}

export type DigestOutcome = 'sent' | 'empty' | 'skipped' | 'done-before';

/**
 * The digest cycle (worker side): a tick finds the subscribers whose local hour has come and queues one job each
 * (job id per subscription and period); each job claims its delivery row before it sends, so a retried, duplicated
 * or taken-over job sends nothing twice.
 */
@Injectable()
export class DigestCycleService {
  private readonly logger = new Logger('DigestCycle');
  private readonly tokens: UnsubscribeTokens;

  constructor(
    private readonly repo: DigestSubscriptionsRepository,
    private readonly content: DigestContentService,
    private readonly policy: DigestAccessPolicy,
    private readonly jobs: DigestJobQueue,
    private readonly mail: DigestMail,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.tokens = new UnsubscribeTokens(config.jwtSecret);
  }

  /** `POST /api/admin/digests/run`: one cycle now, as if the clock were `at`. */
  async runByOperator(
    ctx: RequestContext,
    p: Principal,
    input: { frequency?: unknown; at?: unknown },
  ): Promise<{ queued: number }> {
    if (!this.policy.canRunCycle(p))
      throw new NotAllowed({
        en: 'Only an admin runs a digest cycle.',
        es: 'Solo un administrador ejecuta un ciclo de resúmenes.',
      });
    if (!FREQUENCIES.includes(input.frequency as DigestFrequency))
      throw invalid('frequency', DAILY_OR_WEEKLY);
    let at = this.clock.now();
    if (input.at !== undefined && input.at !== null) {
      const parsed =
        typeof input.at === 'string' && /[zZ]|[+-]\d\d:?\d\d$/.test(input.at) ? new Date(input.at) : null;
      if (!parsed || Number.isNaN(parsed.getTime()))
        throw invalid('at', {
          en: 'must be an ISO 8601 time with an offset',
          es: 'debe ser una hora ISO 8601 con desfase',
        });
      at = parsed;
    }
    const queued = await this.cycle(input.frequency as DigestFrequency, at);
    await this.audit.record(ctx, {
      action: 'digest.cycle.run',
      targetType: 'digest-cycle',
      details: { frequency: input.frequency, at: at.toISOString(), queued },
    });
    return { queued };
  }

  /** Queues one job per subscriber due at `at`; returns how many were due. */
  async cycle(frequency: DigestFrequency, at: Date): Promise<number> {
    const zones = await this.repo.activeZones(frequency);
    let queued = 0;
    for (const { zone, hours, period } of dueHours(at, zones, frequency)) {
      const ids = await this.repo.dueIds(frequency, zone, hours, period);
      for (let i = 0; i < ids.length; i += BATCH) {
        const jobs: DigestJob[] = ids
          .slice(i, i + BATCH)
          .map((subscriptionId) => ({ subscriptionId, period, frequency, at: at.toISOString() }));
        await this.jobs.addDigestJobs(jobs);
        queued += jobs.length;
      }
    }
    if (queued) this.logger.log(`${frequency} cycle at ${at.toISOString()}: ${queued} digest(s) queued`);
    return queued;
  }

  /** One subscriber's digest for one period: claimed, built, sent once (or recorded as empty). */
  async deliver(job: DigestJob): Promise<DigestOutcome> {
    const claim = await this.repo.claim(job.subscriptionId, job.period, DELIVERY_LEASE_SECONDS);
    if (claim === 'done') return 'done-before';
    if (claim === 'busy') throw new DeliveryBusy();
    try {
      const sub = await this.repo.byId(job.subscriptionId);
      if (!sub || sub.status !== 'active' || sub.disabled) {
        await this.repo.finish(job.subscriptionId, job.period, 'skipped');
        return 'skipped';
      }
      const content = await this.content.build(sub, job.frequency, new Date(job.at));
      if (!content) {
        await this.repo.finish(job.subscriptionId, job.period, 'skipped');
        return 'skipped';
      }
      if (DigestContentService.isEmpty(content)) {
        await this.repo.finish(job.subscriptionId, job.period, 'empty');
        return 'empty';
      }
      const unsubscribeUrl = `${this.config.publicUrl}/digest/unsubscribe?token=${encodeURIComponent(this.tokens.sign(sub.id))}`;
      await this.mail.sendDigest({
        to: sub.email,
        locale: sub.locale,
        timezone: sub.timezone,
        recipientName: sub.displayName,
        messageId: `digest.${sub.id}.${job.period.replace(/\//g, '.')}`,
        content,
        unsubscribeUrl,
        manageUrl: sub.userId ? `${this.config.publicUrl}/settings/digest` : unsubscribeUrl,
      });
      await this.repo.finish(job.subscriptionId, job.period, 'sent');
      return 'sent';
    } catch (error) {
      await this.repo.release(job.subscriptionId, job.period).catch(() => undefined);
      throw error;
    }
  }
}
