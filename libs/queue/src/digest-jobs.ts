import { Injectable } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { QueueFactory } from './queue.js';

/** Queues of the digest feature (issue 11). */
export const DIGEST_QUEUES = {
  /** The digest tick (one BullMQ job scheduler, registered by workers) and operator runs. */
  cycle: 'digest-cycle',
  /** One `digest` job per (subscription, period). */
  digests: 'digests',
  /** One delayed `missed-message` check per stored message that may concern someone. */
  missed: 'missed-messages',
} as const;

export interface DigestJobData {
  subscriptionId: string;
  period: string;
  frequency: 'daily' | 'weekly';
  at: string;
}

export interface MissedMessageJobData {
  messageId: string;
}

/** Job ids (BullMQ refuses ':' in custom ids): a duplicate add is a no-op. */
export const digestJobIds = {
  digest: (d: Pick<DigestJobData, 'subscriptionId' | 'period'>) =>
    `digest.${d.subscriptionId}.${d.period.replace(/[/:]/g, '.')}`,
  missed: (messageId: string) => `missed.${messageId}`,
};

/** Kept a while so a re-add of a finished id stays a no-op; retried with backoff (a busy claim waits its lease). */
export const DIGEST_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3 * 24 * 3600, count: 200_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** The BullMQ side of the domain's DigestJobQueue port. */
@Injectable()
export class BullDigestJobQueue {
  constructor(private readonly queues: QueueFactory) {}

  async addDigestJobs(jobs: DigestJobData[]): Promise<void> {
    if (!jobs.length) return;
    await this.queues.queue(DIGEST_QUEUES.digests).addBulk(
      jobs.map((data) => ({
        name: 'digest',
        data,
        opts: { ...DIGEST_JOB_OPTIONS, jobId: digestJobIds.digest(data) },
      })),
    );
  }

  async addMissedMessageCheck(messageId: string, delayMs: number): Promise<void> {
    await this.queues
      .queue(DIGEST_QUEUES.missed)
      .add('missed-message', { messageId } satisfies MissedMessageJobData, {
        ...DIGEST_JOB_OPTIONS,
        jobId: digestJobIds.missed(messageId),
        delay: delayMs,
      });
  }
}
