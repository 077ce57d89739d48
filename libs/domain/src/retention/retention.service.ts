import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock, RETENTION_NETWORKS, type RetentionNetwork } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { RetentionAccessPolicy } from './retention-access.policy.js';
import { retainsEverything, retentionCutoffs } from './retention-cutoffs.js';
import { RetentionRepository } from './retention.repository.js';

/** Case references listed in the audit row of one purge (the counts are always complete). */
const LISTED_REFERENCES = 200;
const CASE_PAGE = 100;

export interface PurgeSummary {
  /** The instant the run counted from (the service clock). */
  at: string;
  /** False when another purge was running: this run did nothing. */
  ran: boolean;
  cutoffs: {
    messages: Partial<Record<RetentionNetwork, string>>;
    cases: Partial<Record<RetentionNetwork, string>>;
    audit: string | null;
  };
  /** Channel messages purged, per network. */
  messages: Partial<Record<RetentionNetwork, number>>;
  /** Case records purged (case, thread), per network, and the messages of their threads. */
  cases: Partial<Record<RetentionNetwork, number>>;
  caseMessages: number;
  caseReferences: string[];
  auditRows: number;
}

export interface RetentionOverview {
  networks: Array<{ network: RetentionNetwork; messages: string | null; cases: string | null }>;
  audit: string | null;
  lastPurge: { at: string; messages: number; cases: number; caseMessages: number; auditRows: number } | null;
}

/**
 * The retention purge (issue 14): channel messages past their network's period, closed cases (with their threads)
 * past theirs counted from closing, then audit rows past the audit period. Idempotent (a second run finds nothing),
 * in short batches, one purge at a time across workers (an advisory lock), audited as one `retention.purge` row
 * with the counts when anything went.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: RetentionRepository,
    private readonly audit: AuditService,
    private readonly policy: RetentionAccessPolicy,
  ) {}

  /** The periods in force and the last purge that deleted something (admins). */
  async overview(p: Principal): Promise<RetentionOverview> {
    this.policy.assertCanRead(p);
    const r = this.config.retention;
    const last = await this.repo.lastPurge();
    const sum = (o: Record<string, number> | undefined) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);
    return {
      networks: RETENTION_NETWORKS.map((network) => ({
        network,
        messages: r.messages[network] ?? null,
        cases: r.cases[network] ?? null,
      })),
      audit: r.audit ?? null,
      lastPurge: last
        ? {
            at: new Date(last.at).toISOString(),
            messages: sum(last.details.messages),
            cases: sum(last.details.cases),
            caseMessages: Number(last.details.caseMessages ?? 0),
            auditRows: Number(last.details.auditRows ?? 0),
          }
        : null,
    };
  }

  async purge(ctx: RequestContext, now: Date = this.clock.now()): Promise<PurgeSummary> {
    const cutoffs = retentionCutoffs(this.config.retention, now);
    const iso = (o: Partial<Record<RetentionNetwork, Date>>) =>
      Object.fromEntries(Object.entries(o).map(([k, d]) => [k, d!.toISOString()]));
    const summary: PurgeSummary = {
      at: now.toISOString(),
      ran: true,
      cutoffs: {
        messages: iso(cutoffs.messages),
        cases: iso(cutoffs.cases),
        audit: cutoffs.audit?.toISOString() ?? null,
      },
      messages: {},
      cases: {},
      caseMessages: 0,
      caseReferences: [],
      auditRows: 0,
    };
    if (retainsEverything(this.config.retention)) return summary;
    const done = await this.repo.exclusively(async () => {
      const started = Date.now();
      for (const network of await this.repo.networks()) {
        const slug = network.slug as RetentionNetwork;
        const messageCutoff = cutoffs.messages[slug];
        if (messageCutoff) summary.messages[slug] = await this.purgeMessages(network.id, messageCutoff);
        const caseCutoff = cutoffs.cases[slug];
        if (caseCutoff) summary.cases[slug] = await this.purgeCases(network.id, caseCutoff, summary);
      }
      await this.repo.deleteReleasedAttachments();
      if (cutoffs.audit) {
        for (let n = -1; n !== 0;) {
          n = await this.repo.purgeAuditBatch(cutoffs.audit);
          summary.auditRows += n;
        }
      }
      const total =
        Object.values(summary.messages).reduce((a, b) => a + b!, 0) +
        Object.values(summary.cases).reduce((a, b) => a + b!, 0) +
        summary.auditRows;
      if (total > 0) {
        await this.audit.record(ctx, {
          action: 'retention.purge',
          targetType: 'retention',
          details: { ...summary, caseReferences: summary.caseReferences.slice(0, LISTED_REFERENCES) },
        });
      }
      this.logger.log(
        `purge at ${summary.at}: ${JSON.stringify(summary.messages)} channel message(s), ${JSON.stringify(
          summary.cases,
        )} case record(s) with ${summary.caseMessages} thread message(s), ${summary.auditRows} audit row(s) in ${
          Date.now() - started
        } ms`,
      );
      return true;
    });
    if (!done) {
      this.logger.warn('another retention purge is running: this run did nothing');
      summary.ran = false;
    }
    return summary;
  }

  private async purgeMessages(networkId: string, cutoff: Date): Promise<number> {
    let purged = 0;
    for (const channelId of await this.repo.channelsWithMessagesBefore(networkId, cutoff)) {
      for (let n = -1; n !== 0;) {
        n = await this.repo.purgeChannelBatch(channelId, cutoff);
        purged += n;
      }
    }
    return purged;
  }

  private async purgeCases(networkId: string, cutoff: Date, summary: PurgeSummary): Promise<number> {
    let purged = 0;
    const seen = new Set<string>();
    for (;;) {
      const ids = (await this.repo.closedCasesBefore(networkId, cutoff, CASE_PAGE)).filter(
        (id) => !seen.has(id),
      );
      if (!ids.length) return purged;
      for (const id of ids) {
        seen.add(id);
        const gone = await this.repo.purgeCase(id, cutoff);
        if (!gone) continue;
        summary.caseMessages += gone.messages;
        if (gone.pending) continue; // its files are being released: the case goes at a later run
        purged++;
        summary.caseReferences.push(gone.reference);
      }
    }
  }
}
