import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { Conflict, invalid, NotFound, ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import { countryCodeHint } from '../reference/reference-data.js';
import { DomainEvents } from '../common/domain-events.js';
import type { Principal } from '../accounts/principal.js';
import { CaseAccessPolicy } from '../messaging/case-access.policy.js';
import { isUuid } from '../messaging/message-rules.js';
import {
  DEFAULT_REMINDERS,
  followUpCountries,
  followUpDescription,
  followUpDueAt,
  followUpEscalateEvery,
  followUpReminders,
  followUpSheet,
  followUpTitle,
} from './follow-up-validation.js';
import { FollowUpAccessPolicy } from './follow-up-access.policy.js';
import { FollowUpScheduler } from './follow-up.scheduler.js';
import type { AssignmentView, BoardView, FollowUpRow, FollowUpView, NetworkRef } from './follow-up.types.js';
import { assignmentView, type BoardFilter, boardCsv, boardView, followUpView } from './follow-up.views.js';
import { FollowUpsRepository } from './follow-ups.repository.js';
import { WorkPlanRepository } from '../work-plan/work-plan.repository.js';

export { DEFAULT_REMINDERS, MAX_REMINDERS } from './follow-up-validation.js';

export interface CreateFollowUpInput {
  title: string;
  description?: string | null;
  dueAt: string;
  countries: string[] | 'members';
  reminders?: string[];
  escalateEvery?: string | null;
  caseId?: string | null;
  workPlanActivityId?: string | null;
  /** A country sheet: each country's assignment turns `done` when it publishes a new version of it. */
  sheet?: { topic?: unknown } | null;
}

export interface UpdateFollowUpInput {
  title?: string;
  description?: string | null;
  dueAt?: string;
  cancelled?: boolean;
  workPlanActivityId?: string | null;
}

export interface RespondInput {
  status: 'acknowledged' | 'done';
  note?: string | null;
}

/**
 * Follow-up items of the PPT: create, change (a new dueAt moves every pending reminder), cancel, respond, the board.
 * Changes are stored first; the reminder jobs follow after the commit (the worker's reconcile sweep repairs a
 * schedule that a crash between the two left behind).
 */
@Injectable()
export class FollowUpsService {
  private readonly logger = new Logger('FollowUps');

  constructor(
    private readonly repo: FollowUpsRepository,
    private readonly workPlan: WorkPlanRepository,
    private readonly policy: FollowUpAccessPolicy,
    private readonly casePolicy: CaseAccessPolicy,
    private readonly scheduler: FollowUpScheduler,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async network(slug: string): Promise<NetworkRef> {
    const network = await this.repo.network(slug);
    if (!network) throw new NotFound('network');
    return network;
  }

  async create(
    ctx: RequestContext,
    me: Principal,
    slug: string,
    input: CreateFollowUpInput,
  ): Promise<FollowUpView> {
    const network = await this.network(slug);
    await this.policy.assertCanCoordinate(me, slug);
    const now = this.clock.now();
    const errors: ErrorDetail[] = [];
    const title = followUpTitle(input.title, errors);
    const dueAt = followUpDueAt(input.dueAt, now, errors);
    const countries = await this.countries(input.countries, errors);
    const reminders = followUpReminders(input.reminders ?? DEFAULT_REMINDERS, errors);
    const escalateEvery = followUpEscalateEvery(input.escalateEvery, errors);
    const description = followUpDescription(input.description, errors);
    const sheetTopic = followUpSheet(input.sheet, errors);
    if (input.caseId != null && !isUuid(input.caseId))
      errors.push({
        field: 'caseId',
        message: 'must be the id of a case',
        es: 'debe ser el identificador de un caso',
      });
    if (errors.length) throw new ValidationFailed(errors);
    if (input.caseId != null) {
      // Linking needs the case-read right: the item would otherwise name the case to whoever sees the board.
      const linked = await this.repo.linkedCase(input.caseId, network.id);
      if (!linked || !this.casePolicy.canRead(me, linked))
        throw invalid('caseId', {
          en: 'must be the id of a case of this network that you may read',
          es: 'debe ser el identificador de un caso de esta red que usted pueda leer',
        });
    }
    if (input.workPlanActivityId != null) await this.assertActivity(input.workPlanActivityId, network.id);

    const id = await this.dataSource.transaction(async (m) => {
      const created = await this.repo.insert(
        {
          networkId: network.id,
          title,
          description,
          dueAt: dueAt!,
          scheduledAt: now,
          reminders,
          escalateEvery,
          caseId: input.caseId ?? null,
          workPlanActivityId: input.workPlanActivityId ?? null,
          sheetTopic,
          createdBy: me.id,
        },
        countries,
        m,
      );
      await this.audit.record(
        ctx,
        {
          action: 'follow_up.create',
          targetType: 'follow_up',
          targetId: created,
          details: {
            network: slug,
            dueAt: dueAt!.toISOString(),
            countries,
            reminders,
            escalateEvery,
            ...(sheetTopic ? { sheet: sheetTopic } : {}),
          },
        },
        m,
      );
      return created;
    });
    const row = (await this.repo.byId(id))!;
    await this.afterChange(row, () => this.scheduler.schedule(row));
    return this.shownTo(me, followUpView(row, this.clock.now()));
  }

  async get(me: Principal, id: string): Promise<FollowUpView> {
    const row = isUuid(id) ? await this.repo.byId(id) : null;
    this.policy.assertCanReadItem(me, row);
    return this.shownTo(me, followUpView(row, this.clock.now()));
  }

  /** A linked case is shown only to those who may read it (a case reference is case information). */
  private async shownTo<T extends { caseId: string | null }>(me: Principal, view: T): Promise<T> {
    return (await this.shownToAll(me, [view]))[0];
  }

  private async shownToAll<T extends { caseId: string | null }>(me: Principal, views: T[]): Promise<T[]> {
    const ids = [...new Set(views.map((v) => v.caseId).filter((id): id is string => !!id))];
    const linked = await this.repo.linkedCases(ids);
    return views.map((v) =>
      v.caseId && !(linked.has(v.caseId) && this.casePolicy.canRead(me, linked.get(v.caseId)!))
        ? { ...v, caseId: null }
        : v,
    );
  }

  async update(
    ctx: RequestContext,
    me: Principal,
    id: string,
    input: UpdateFollowUpInput,
  ): Promise<FollowUpView> {
    const current = isUuid(id) ? await this.repo.byId(id) : null;
    this.policy.assertCanReadItem(me, current);
    await this.policy.assertCanCoordinate(me, current.network);
    const now = this.clock.now();
    const errors: ErrorDetail[] = [];
    const title = input.title !== undefined ? followUpTitle(input.title, errors) : undefined;
    const description =
      input.description !== undefined ? followUpDescription(input.description, errors) : undefined;
    const dueAt = input.dueAt !== undefined ? followUpDueAt(input.dueAt, now, errors) : undefined;
    if (input.cancelled === false && current.cancelledAt)
      errors.push({
        field: 'cancelled',
        message: 'a cancelled item stays cancelled',
        es: 'un punto cancelado sigue cancelado',
      });
    if (errors.length) throw new ValidationFailed(errors);
    if (input.workPlanActivityId != null)
      await this.assertActivity(input.workPlanActivityId, current.networkId);

    const result = await this.dataSource.transaction(async (m) => {
      const before = await this.repo.byId(id, m, 'update');
      if (!before) throw new NotFound('follow-up item');
      if (before.cancelledAt)
        throw new Conflict(
          {
            en: 'This follow-up item is cancelled; it can no longer change.',
            es: 'Este punto de seguimiento está cancelado; ya no puede cambiar.',
          },
          'FOLLOW_UP_CANCELLED',
        );
      const moved = dueAt !== undefined && dueAt.getTime() !== before.dueAt.getTime();
      const cancel = input.cancelled === true;
      await this.repo.update(
        id,
        {
          title,
          description,
          workPlanActivityId: input.workPlanActivityId,
          ...(moved ? { dueAt, scheduledAt: now, bumpVersion: true } : {}),
          ...(cancel ? { cancelledAt: now } : {}),
        },
        m,
      );
      await this.audit.record(
        ctx,
        {
          action: cancel ? 'follow_up.cancel' : 'follow_up.update',
          targetType: 'follow_up',
          targetId: id,
          details: {
            ...(title !== undefined ? { title } : {}),
            ...(moved ? { dueAt: { from: before.dueAt.toISOString(), to: dueAt!.toISOString() } } : {}),
          },
        },
        m,
      );
      return { before, moved, cancel };
    });
    const row = (await this.repo.byId(id))!;
    await this.afterChange(row, async () => {
      if (result.cancel || result.moved) await this.scheduler.unschedule(result.before);
      if (!result.cancel && result.moved && this.open(row)) await this.scheduler.schedule(row);
    });
    return this.shownTo(me, followUpView(row, this.clock.now()));
  }

  async respond(
    ctx: RequestContext,
    me: Principal,
    id: string,
    input: RespondInput,
  ): Promise<AssignmentView> {
    const current = isUuid(id) ? await this.repo.byId(id) : null;
    this.policy.assertCanReadItem(me, current);
    const country = this.policy.assertCanRespond(me, current);
    if (input.status !== 'acknowledged' && input.status !== 'done')
      throw invalid('status', {
        en: "must be 'acknowledged' or 'done'",
        es: "debe ser 'acknowledged' o 'done'",
      });
    if (input.note != null && (typeof input.note !== 'string' || input.note.length > 2000)) {
      throw invalid('note', {
        en: 'must be text of at most 2,000 characters',
        es: 'debe ser un texto de 2.000 caracteres como máximo',
      });
    }
    const now = this.clock.now();
    const { assignment } = await this.dataSource.transaction(async (m) => {
      const item = await this.repo.byId(id, m, 'update');
      if (!item) throw new NotFound('follow-up item');
      if (item.cancelledAt)
        throw new Conflict(
          { en: 'This follow-up item is cancelled.', es: 'Este punto de seguimiento está cancelado.' },
          'FOLLOW_UP_CANCELLED',
        );
      const existing = item.assignments.find((a) => a.country === country)!;
      if (existing.status === 'done')
        throw new Conflict(
          {
            en: `${country} has already marked this item done.`,
            es: `${country} ya marcó este punto como cumplido.`,
          },
          'ALREADY_DONE',
        );
      const assignment = await this.repo.setAssignment(id, country, input.status, input.note, me.id, now, m);
      await this.audit.record(
        ctx,
        {
          action: 'follow_up.respond',
          targetType: 'follow_up',
          targetId: id,
          details: { country, status: input.status },
        },
        m,
      );
      return { assignment };
    });
    const updated = (await this.repo.byId(id))!;
    await this.afterResponse(updated);
    return assignmentView(assignment, updated.dueAt, this.clock.now());
  }

  async board(me: Principal, slug: string, filter: BoardFilter): Promise<BoardView> {
    const network = await this.network(slug);
    this.policy.assertCanReadNetwork(me, slug);
    if (filter.country && !/^[A-Z]{2}$/.test(filter.country))
      throw invalid('country', countryCodeHint('member'));
    const board = boardView(await this.repo.listByNetwork(network.id), this.clock.now(), filter);
    return { ...board, followUps: await this.shownToAll(me, board.followUps) };
  }

  async boardCsv(me: Principal, slug: string, filter: BoardFilter): Promise<string> {
    return boardCsv(await this.board(me, slug, filter));
  }

  /** After an answer (a person's, or a sheet's publication): announce it; nothing is left to remind once all are done. */
  async afterResponse(row: FollowUpRow): Promise<void> {
    await this.afterChange(row, async () => {
      if (!this.open(row)) await this.scheduler.unschedule(row);
    });
  }

  private open(row: FollowUpRow): boolean {
    return !row.cancelledAt && row.assignments.some((a) => a.status !== 'done');
  }

  /** After a commit: adjust the jobs, tell the network. A failing queue never undoes the stored change. */
  private async afterChange(row: FollowUpRow, jobs: () => Promise<void>): Promise<void> {
    try {
      await jobs();
    } catch (error) {
      this.logger.error(
        `scheduling the reminders of follow-up ${row.id} failed (the reconcile sweep retries): ${String(error)}`,
      );
    }
    // The whole network hears of it, observers and staff too: no case link in this broadcast (GET shows it to readers).
    this.events.publish('followup.updated', {
      networkId: row.networkId,
      followUp: { ...followUpView(row, this.clock.now()), caseId: null },
    });
  }

  private async countries(value: unknown, errors: ErrorDetail[]): Promise<string[]> {
    return followUpCountries(value, await this.repo.memberCountries(), errors);
  }

  private async assertActivity(activityId: string, networkId: string): Promise<void> {
    if (!isUuid(activityId) || !(await this.workPlan.existsInNetwork(activityId, networkId))) {
      throw invalid('workPlanActivityId', {
        en: 'must be the id of a Work Plan activity of this network',
        es: 'debe ser el identificador de una actividad del Plan de Trabajo de esta red',
      });
    }
  }
}
