import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { FollowUpsService } from './follow-ups.service.js';
import { SheetFollowUpsRepository } from './sheet-follow-ups.repository.js';

export interface SheetPublication {
  country: string;
  topic: string;
  version: number;
  userId: string;
  at: Date;
}

/**
 * Follow-up items that name a country sheet: when a country publishes a new version of that sheet, its assignment
 * turns `done` by itself (a system answer in the publish's own transaction, audited as a response), and the item
 * is then announced and its reminders adjusted as after any response.
 */
@Injectable()
export class SheetFollowUpsService {
  constructor(
    private readonly sheets: SheetFollowUpsRepository,
    private readonly repo: FollowUpsRepository,
    private readonly followUps: FollowUpsService,
    private readonly audit: AuditService,
  ) {}

  /** Inside the publish's transaction: the assignments answered; returns the ids of the items changed. */
  async complete(ctx: RequestContext, p: SheetPublication, m: EntityManager): Promise<string[]> {
    const ids = await this.sheets.completeAssignments(
      {
        country: p.country,
        topic: p.topic,
        at: p.at,
        userId: p.userId,
        note: `Sheet published (version ${p.version}). / Ficha publicada (versión ${p.version}).`,
      },
      m,
    );
    for (const id of ids) {
      await this.audit.record(
        ctx,
        {
          action: 'follow_up.respond',
          targetType: 'follow_up',
          targetId: id,
          details: {
            country: p.country,
            status: 'done',
            by: 'sheet.publish',
            topic: p.topic,
            version: p.version,
          },
        },
        m,
      );
    }
    return ids;
  }

  /** After the commit: each changed item is announced (`followup.updated`); one with every country done stops reminding. */
  async afterCommit(ids: string[]): Promise<void> {
    for (const id of ids) {
      const row = await this.repo.byId(id);
      if (row) await this.followUps.afterResponse(row);
    }
  }
}
