import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { isStaff, membershipIn, type Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { invalid, ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import { isUuid } from '../messaging/message-rules.js';
import { TrainingAccessPolicy } from './training-access.policy.js';
import { TrainingDeliveriesRepository } from './training-deliveries.repository.js';
import { TrainingAlreadyPublished, TrainingEventNotFound, TrainingNotOpen } from './training.errors.js';
import { TrainingNotifier } from './training-notifier.js';
import { TrainingRegistrationsService } from './training-registrations.service.js';
import { TrainingRepository } from './training.repository.js';
import { ISO_DATE_TIME, MUST_BE_FUTURE, parseEventTime, problem, validateEvent } from './training.rules.js';
import { TrainingScheduler } from './training.scheduler.js';
import {
  eventView,
  type TrainingEventDetailView,
  type TrainingEventRow,
  type TrainingEventView,
} from './training.types.js';

const EDITABLE = [
  'networks',
  'kind',
  'title',
  'description',
  'sponsors',
  'startsAt',
  'endsAt',
  'timezone',
  'location',
  'registrationDeadline',
  'capacity',
  'audience',
] as const;

/**
 * Training events: create (a draft), change, publish, cancel, list, read. Changes are stored with their audit entry
 * and their delivery rows in one transaction; socket events, channel notices, email and reminder jobs follow after
 * the commit (TrainingNotifier).
 */
@Injectable()
export class TrainingEventsService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly deliveries: TrainingDeliveriesRepository,
    private readonly policy: TrainingAccessPolicy,
    private readonly notifier: TrainingNotifier,
    private readonly registrations: TrainingRegistrationsService,
    private readonly scheduler: TrainingScheduler,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(
    ctx: RequestContext,
    me: Principal,
    input: Record<string, unknown>,
  ): Promise<TrainingEventView> {
    // Who may create depends on the networks named: check them first, so a caller who may not edit learns nothing
    // from validation messages.
    const networks = Array.isArray(input.networks) ? input.networks.filter((n) => typeof n === 'string') : [];
    await this.policy.assertCanEdit(me, networks as string[]);
    const errors: ErrorDetail[] = [];
    const fields = validateEvent(input, await this.repo.referenceData(), errors);
    if (fields.startsAt && fields.startsAt.getTime() <= this.clock.now().getTime())
      errors.push(problem('startsAt', MUST_BE_FUTURE.en, MUST_BE_FUTURE.es));
    if (errors.length) throw new ValidationFailed(errors);
    const id = await this.dataSource.transaction(async (m) => {
      const created = await this.repo.insert(fields, me.id, m);
      await this.audit.record(
        ctx,
        {
          action: 'training.create',
          targetType: 'training_event',
          targetId: created,
          details: { networks: fields.networks },
        },
        m,
      );
      return created;
    });
    return eventView((await this.repo.byId(id))!);
  }

  async update(
    ctx: RequestContext,
    me: Principal,
    id: string,
    input: Record<string, unknown>,
  ): Promise<TrainingEventView> {
    const current = await this.policy.assertCanRead(me, await this.load(id));
    await this.policy.assertCanEdit(me, current.networks);
    if (input.networks !== undefined && Array.isArray(input.networks))
      await this.policy.assertCanEdit(me, input.networks as string[]);
    if (current.status === 'cancelled') throw new TrainingNotOpen('cancelled');
    const merged: Record<string, unknown> = { ...this.asInput(current) };
    for (const key of EDITABLE) if (input[key] !== undefined) merged[key] = input[key];
    // A new wall-clock time without offset is read in the (possibly new) zone; unchanged times stay instants.
    const errors: ErrorDetail[] = [];
    const fields = validateEvent(merged, await this.repo.referenceData(), errors);
    if (errors.length) throw new ValidationFailed(errors);
    const now = this.clock.now();
    const published = current.status === 'published';
    const moved = fields.startsAt.getTime() !== new Date(current.startsAt).getTime();
    if (moved && fields.startsAt.getTime() <= now.getTime()) throw invalid('startsAt', MUST_BE_FUTURE);
    const result = await this.dataSource.transaction(async (m) => {
      const before = await this.repo.byId(id, m, 'update');
      if (!before) throw new TrainingEventNotFound();
      if (before.status === 'cancelled') throw new TrainingNotOpen('cancelled');
      await this.repo.update(
        id,
        fields,
        { bumpSequence: published, replanAt: published && moved ? now : undefined },
        m,
      );
      const after = (await this.repo.byId(id, m))!;
      const key = `update/${after.sequence}`;
      const claimed = published
        ? await this.deliveries.claim(
            id,
            key,
            'update',
            await this.deliveries.registrantIds(id, ['registered'], m),
            m,
          )
        : [];
      // More places (or no limit any more): the waitlist moves up in arrival order.
      const promoted = published ? await this.registrations.fillPlaces(after, now, m) : [];
      await this.audit.record(
        ctx,
        {
          action: 'training.update',
          targetType: 'training_event',
          targetId: id,
          details: { fields: Object.keys(input) },
        },
        m,
      );
      return { before, after, key, claimed, promoted };
    });
    const { before, after, key, claimed, promoted } = result;
    if (published) {
      await this.notifier.afterCommit(id, [
        ['socket', () => this.notifier.changed('training.updated', after)],
        ['emails', () => (claimed.length ? this.notifier.queueEmails(id, key) : undefined)],
        ...promoted.map(
          (p) =>
            [
              'promotion',
              async () => {
                this.notifier.registration(p.userId, {
                  eventId: id,
                  title: after.title,
                  status: 'registered',
                  promoted: true,
                });
                await this.notifier.queueEmails(id, `promotion/${p.seq}`);
              },
            ] as [string, () => Promise<void>],
        ),
        [
          'reminders',
          async () => {
            if (!moved) return;
            await this.scheduler.unschedule(before);
            await this.scheduler.schedule(after);
          },
        ],
      ]);
    }
    return eventView(after);
  }

  async publish(ctx: RequestContext, me: Principal, id: string): Promise<TrainingEventView> {
    const current = await this.policy.assertCanRead(me, await this.load(id));
    await this.policy.assertCanEdit(me, current.networks);
    const now = this.clock.now();
    if (new Date(current.startsAt).getTime() <= now.getTime())
      throw invalid('startsAt', {
        en: 'the event has already started; move it before publishing',
        es: 'la actividad ya comenzó; cambie su fecha antes de publicarla',
      });
    const event = await this.dataSource.transaction(async (m) => {
      const before = await this.repo.byId(id, m, 'update');
      if (!before) throw new TrainingEventNotFound();
      if (before.status === 'published') throw new TrainingAlreadyPublished();
      if (before.status === 'cancelled') throw new TrainingNotOpen('cancelled');
      await this.repo.setStatus(id, 'published', now, m);
      await this.deliveries.claim(id, 'notice', 'notice', await this.deliveries.memberIds(id, m), m);
      await this.audit.record(
        ctx,
        { action: 'training.publish', targetType: 'training_event', targetId: id },
        m,
      );
      return (await this.repo.byId(id, m))!;
    });
    await this.notifier.afterCommit(id, [
      ['socket', () => this.notifier.changed('training.published', event)],
      ['channel notice', () => this.notifier.postNotice(event, 'published')],
      ['emails', () => this.notifier.queueEmails(id, 'notice')],
      ['reminders', () => this.scheduler.schedule(event)],
    ]);
    return eventView(event);
  }

  async cancel(ctx: RequestContext, me: Principal, id: string): Promise<TrainingEventView> {
    const current = await this.policy.assertCanRead(me, await this.load(id));
    await this.policy.assertCanEdit(me, current.networks);
    const now = this.clock.now();
    const { before, event, claimed } = await this.dataSource.transaction(async (m) => {
      const before = await this.repo.byId(id, m, 'update');
      if (!before) throw new TrainingEventNotFound();
      if (before.status === 'cancelled') throw new TrainingNotOpen('cancelled');
      await this.repo.setStatus(id, 'cancelled', now, m);
      const claimed =
        before.status === 'published'
          ? await this.deliveries.claim(
              id,
              'cancel',
              'cancel',
              await this.deliveries.registrantIds(id, ['registered', 'waitlisted'], m),
              m,
            )
          : [];
      await this.audit.record(
        ctx,
        { action: 'training.cancel', targetType: 'training_event', targetId: id },
        m,
      );
      return { before, event: (await this.repo.byId(id, m))!, claimed };
    });
    if (before.status === 'published') {
      await this.notifier.afterCommit(id, [
        ['socket', () => this.notifier.changed('training.cancelled', event)],
        ['channel notice', () => this.notifier.postNotice(event, 'cancelled')],
        ['emails', () => (claimed.length ? this.notifier.queueEmails(id, 'cancel') : undefined)],
        ['reminders', () => this.scheduler.unschedule(before)],
      ]);
    }
    return eventView(event);
  }

  async get(me: Principal, id: string): Promise<TrainingEventDetailView> {
    const event = await this.policy.assertCanRead(me, await this.load(id));
    const counts = await this.repo.counts(id);
    const mine = await this.repo.registration(id, me.id);
    return { ...eventView(event), ...counts, myRegistration: mine?.status ?? null };
  }

  /** The event for `/ics` (an access-checked read). */
  async readable(me: Principal, id: string): Promise<TrainingEventRow> {
    return this.policy.assertCanRead(me, await this.load(id));
  }

  async list(
    me: Principal,
    query: { network?: string; from?: string; to?: string },
  ): Promise<TrainingEventView[]> {
    const ref = await this.repo.referenceData();
    if (query.network !== undefined && !ref.networks.has(query.network))
      throw invalid('network', {
        en: `must be one of ${[...ref.networks].join(', ')}`,
        es: `debe ser uno de ${[...ref.networks].join(', ')}`,
      });
    const from = query.from !== undefined ? parseEventTime(query.from, 'UTC') : undefined;
    const to = query.to !== undefined ? parseEventTime(query.to, 'UTC') : undefined;
    if (query.from !== undefined && !from) throw invalid('from', ISO_DATE_TIME);
    if (query.to !== undefined && !to) throw invalid('to', ISO_DATE_TIME);
    let networks = isStaff(me) ? [...ref.networks] : me.memberships.map((m) => m.network);
    if (query.network) {
      this.policy.assertCanReadNetwork(me, query.network);
      networks = [query.network];
    }
    const draftNetworks: string[] = [];
    for (const n of networks) if (await this.policy.canEdit(me, [n])) draftNetworks.push(n);
    const rows = await this.repo.list({ networks, draftNetworks, from, to });
    // A draft spanning networks is listed only to those who may edit all of them.
    const out: TrainingEventView[] = [];
    for (const r of rows) {
      if (r.status === 'draft' && !(await this.policy.canEdit(me, r.networks))) continue;
      if (r.status !== 'draft' && !isStaff(me) && !r.networks.some((n) => membershipIn(me, n))) continue;
      out.push(eventView(r));
    }
    return out;
  }

  private async load(id: string): Promise<TrainingEventRow | null> {
    return isUuid(id) ? this.repo.byId(id) : null;
  }

  /** The current event as an input (instants with offsets), to apply a change to. */
  private asInput(e: TrainingEventRow): Record<string, unknown> {
    return {
      networks: e.networks,
      kind: e.kind,
      title: e.title,
      description: e.description,
      sponsors: e.sponsors,
      startsAt: new Date(e.startsAt).toISOString(),
      endsAt: new Date(e.endsAt).toISOString(),
      timezone: e.timezone,
      location: e.location,
      registrationDeadline: e.registrationDeadline ? new Date(e.registrationDeadline).toISOString() : null,
      capacity: e.capacity,
      audience: e.audience,
    };
  }
}
