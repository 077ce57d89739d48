import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { type ErrorDetail, NotFound, ValidationFailed } from '../common/domain-error.js';
import type { Principal } from '../accounts/principal.js';
import { isUuid } from '../messaging/message-rules.js';
import { isDate } from '../presidency/presidency.service.js';
import { FollowUpAccessPolicy } from '../follow-ups/follow-up-access.policy.js';
import { FollowUpsRepository } from '../follow-ups/follow-ups.repository.js';
import {
  WORK_PLAN_STATUSES,
  type WorkPlanActivityRow,
  type WorkPlanFields,
  WorkPlanRepository,
  type WorkPlanStatus,
} from './work-plan.repository.js';

export interface WorkPlanInput {
  title?: string;
  objective?: string | null;
  responsibleCountries?: string[];
  targetDate?: string;
  status?: WorkPlanStatus;
  progressNote?: string | null;
}

/** An activity as the API shows it: the stored row without the network id, times as ISO strings. */
export type WorkPlanActivityView = Omit<WorkPlanActivityRow, 'networkId' | 'createdAt' | 'updatedAt'> & {
  createdAt: string;
  updatedAt: string;
};

function view(r: WorkPlanActivityRow): WorkPlanActivityView {
  const { networkId: _n, ...rest } = r;
  return {
    ...rest,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    followUps: r.followUps.map((f) => ({ ...f, dueAt: new Date(f.dueAt).toISOString() })),
  };
}

/** The Work Plan of a network (communiqué 10.2): activities the PPT and the secretariat keep, members read. */
@Injectable()
export class WorkPlanService {
  constructor(
    private readonly repo: WorkPlanRepository,
    private readonly followUps: FollowUpsRepository,
    private readonly policy: FollowUpAccessPolicy,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(me: Principal, slug: string): Promise<WorkPlanActivityView[]> {
    const network = await this.followUps.network(slug);
    if (!network) throw new NotFound('network');
    this.policy.assertCanReadNetwork(me, slug);
    return (await this.repo.list(network.id)).map(view);
  }

  async create(
    ctx: RequestContext,
    me: Principal,
    slug: string,
    input: WorkPlanInput,
  ): Promise<WorkPlanActivityView> {
    const network = await this.followUps.network(slug);
    if (!network) throw new NotFound('network');
    await this.policy.assertCanCoordinate(me, slug);
    const fields = await this.validate(input, undefined);
    const id = await this.dataSource.transaction(async (m) => {
      const created = await this.repo.insert(network.id, fields, me.id, m);
      await this.audit.record(
        ctx,
        {
          action: 'work_plan.create',
          targetType: 'work_plan_activity',
          targetId: created,
          details: { network: slug },
        },
        m,
      );
      return created;
    });
    return view((await this.repo.byId(id))!);
  }

  async update(
    ctx: RequestContext,
    me: Principal,
    id: string,
    input: WorkPlanInput,
  ): Promise<WorkPlanActivityView> {
    const current = isUuid(id) ? await this.repo.byId(id) : null;
    if (!current || !this.policy.canRead(me, current.network)) throw new NotFound('Work Plan activity');
    await this.policy.assertCanCoordinate(me, current.network);
    await this.dataSource.transaction(async (m) => {
      const before = await this.repo.byId(id, m, true);
      if (!before) throw new NotFound('Work Plan activity');
      const fields = await this.validate(input, before);
      await this.repo.update(id, fields, m);
      await this.audit.record(
        ctx,
        {
          action: 'work_plan.update',
          targetType: 'work_plan_activity',
          targetId: id,
          details: { status: fields.status },
        },
        m,
      );
    });
    return view((await this.repo.byId(id))!);
  }

  /** A whole activity from the input, over `base` for a change; every problem reported with its field. */
  private async validate(
    input: WorkPlanInput,
    base: WorkPlanActivityRow | undefined,
  ): Promise<WorkPlanFields> {
    const errors: ErrorDetail[] = [];
    const title = (input.title ?? base?.title ?? '').trim();
    if (title.length < 1 || title.length > 200)
      errors.push({
        field: 'title',
        message: 'must be 1 to 200 characters',
        es: 'debe tener de 1 a 200 caracteres',
      });
    const objective = input.objective !== undefined ? input.objective : (base?.objective ?? null);
    if (objective !== null && (typeof objective !== 'string' || objective.length > 5000)) {
      errors.push({
        field: 'objective',
        message: 'must be text of at most 5,000 characters',
        es: 'debe ser un texto de 5.000 caracteres como máximo',
      });
    }
    const progressNote = input.progressNote !== undefined ? input.progressNote : (base?.progressNote ?? null);
    if (progressNote !== null && (typeof progressNote !== 'string' || progressNote.length > 5000)) {
      errors.push({
        field: 'progressNote',
        message: 'must be text of at most 5,000 characters',
        es: 'debe ser un texto de 5.000 caracteres como máximo',
      });
    }
    const targetDate = input.targetDate ?? base?.targetDate ?? '';
    if (!isDate(targetDate))
      errors.push({
        field: 'targetDate',
        message: 'must be a date (YYYY-MM-DD)',
        es: 'debe ser una fecha (AAAA-MM-DD)',
      });
    const status = input.status ?? base?.status ?? 'planned';
    if (!WORK_PLAN_STATUSES.includes(status))
      errors.push({
        field: 'status',
        message: `must be one of ${WORK_PLAN_STATUSES.join(', ')}`,
        es: `debe ser uno de: ${WORK_PLAN_STATUSES.join(', ')}`,
      });
    const countries = input.responsibleCountries ?? base?.responsibleCountries;
    const members = await this.followUps.memberCountries();
    if (!Array.isArray(countries) || countries.length === 0) {
      errors.push({
        field: 'responsibleCountries',
        message: 'must be a non-empty list of member country codes',
        es: 'debe ser una lista no vacía de códigos de países miembros',
      });
    } else {
      for (const c of countries) {
        if (!members.includes(c))
          errors.push({
            field: 'responsibleCountries',
            message: `${String(c)} is not the code of a member country`,
            es: `${String(c)} no es el código de un país miembro`,
          });
      }
    }
    if (errors.length) throw new ValidationFailed(errors);
    return {
      title,
      objective,
      progressNote,
      targetDate,
      status,
      responsibleCountries: [...new Set(countries!)].sort(),
    };
  }
}
