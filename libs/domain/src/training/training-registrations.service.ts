import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { isUuid } from '../messaging/message-rules.js';
import { TrainingAccessPolicy } from './training-access.policy.js';
import { TrainingDeliveriesRepository } from './training-deliveries.repository.js';
import { RegistrationClosed, TrainingEventNotFound, TrainingNotOpen } from './training.errors.js';
import { TrainingNotifier } from './training-notifier.js';
import { TrainingRepository } from './training.repository.js';
import type {
  RegistrationStatus,
  RegistrationView,
  TrainingEventRow,
  TrainingRegistrationEvent,
} from './training.types.js';

const csvCell = (v: unknown) => {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Registrations with capacity and a waitlist. Every registration and withdrawal of an event takes the event's row
 * lock first, so concurrent registrations (on any API process) are counted one after the other and never exceed
 * the capacity; the waitlist is served in arrival order (an identity column).
 */
@Injectable()
export class TrainingRegistrationsService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly deliveries: TrainingDeliveriesRepository,
    private readonly policy: TrainingAccessPolicy,
    private readonly notifier: TrainingNotifier,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async register(ctx: RequestContext, me: Principal, id: string): Promise<{ status: RegistrationStatus }> {
    const current = await this.policy.assertCanRead(me, isUuid(id) ? await this.repo.byId(id) : null);
    this.policy.assertCanRegister(me, current);
    const outcome = await this.dataSource.transaction(async (m) => {
      const event = await this.repo.byId(id, m, 'update');
      if (!event) throw new TrainingEventNotFound();
      // Read under the event's lock: registration times follow the order places were given.
      const now = this.clock.now();
      const existing = await this.repo.registration(id, me.id, m);
      if (existing) return { status: existing.status, fresh: false as const };
      this.assertOpen(event, now);
      const { registered } = await this.repo.counts(id, m);
      const status: RegistrationStatus =
        event.capacity === null || registered < event.capacity ? 'registered' : 'waitlisted';
      const seq = await this.repo.insertRegistration(id, me.id, status, now, m);
      const key = `registration/${seq}`;
      if (status === 'registered') await this.deliveries.claim(id, key, 'registration', [me.id], m);
      await this.audit.record(
        ctx,
        { action: 'training.register', targetType: 'training_event', targetId: id, details: { status } },
        m,
      );
      return { status, fresh: true as const, key, event };
    });
    if (outcome.fresh) {
      const { event, key, status } = outcome;
      await this.notifier.afterCommit(id, [
        ['socket', () => this.notifier.registration(me.id, this.payload(event, status, false))],
        ['emails', () => (status === 'registered' ? this.notifier.queueEmails(id, key) : undefined)],
      ]);
    }
    return { status: outcome.status };
  }

  /** Withdraws the caller; the first waitlisted person (if a place opened) becomes registered and is told. */
  async withdraw(ctx: RequestContext, me: Principal, id: string): Promise<void> {
    await this.policy.assertCanRead(me, isUuid(id) ? await this.repo.byId(id) : null);
    const now = this.clock.now();
    const result = await this.dataSource.transaction(async (m) => {
      const event = await this.repo.byId(id, m, 'update');
      if (!event) throw new TrainingEventNotFound();
      const existing = await this.repo.registration(id, me.id, m);
      if (!existing) return null;
      await this.repo.deleteRegistration(id, me.id, m);
      const promoted =
        existing.status === 'registered' && event.status === 'published'
          ? await this.fillPlaces(event, now, m)
          : [];
      await this.audit.record(
        ctx,
        {
          action: 'training.withdraw',
          targetType: 'training_event',
          targetId: id,
          details: { status: existing.status, promoted: promoted.map((p) => p.userId) },
        },
        m,
      );
      return { event, promoted };
    });
    if (!result) return;
    await this.notifier.afterCommit(id, [
      ['socket', () => this.notifier.registration(me.id, this.payload(result.event, null, false))],
      ...result.promoted.map(
        (p) =>
          [
            'promotion',
            async () => {
              this.notifier.registration(p.userId, this.payload(result.event, 'registered', true));
              await this.notifier.queueEmails(id, `promotion/${p.seq}`);
            },
          ] as [string, () => Promise<void>],
      ),
    ]);
  }

  /** Promotes waitlisted people in arrival order while places are free; claims their promotion emails. */
  async fillPlaces(event: TrainingEventRow, now: Date, m: EntityManager) {
    const promoted: Array<{ userId: string; seq: string }> = [];
    for (;;) {
      const { registered, waitlisted } = await this.repo.counts(event.id, m);
      if (!waitlisted || (event.capacity !== null && registered >= event.capacity)) break;
      const next = await this.repo.promoteFirstWaitlisted(event.id, now, m);
      if (!next) break;
      await this.deliveries.claim(event.id, `promotion/${next.seq}`, 'promotion', [next.userId], m);
      promoted.push(next);
    }
    return promoted;
  }

  async list(me: Principal, id: string): Promise<RegistrationView[]> {
    const event = await this.policy.assertCanRead(me, isUuid(id) ? await this.repo.byId(id) : null);
    await this.policy.assertCanEdit(me, event.networks);
    const rows = await this.repo.registrations(id);
    return rows.map((r) => ({
      user: { id: r.userId, displayName: r.displayName, country: r.country ? r.country.trim() : null },
      status: r.status,
      registeredAt: new Date(r.registeredAt).toISOString(),
    }));
  }

  async csv(me: Principal, id: string): Promise<string> {
    const rows = await this.list(me, id);
    const lines = [['name', 'country', 'status', 'registeredAt']].concat(
      rows.map((r) => [r.user.displayName, r.user.country ?? '', r.status, r.registeredAt]),
    );
    return `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }

  private assertOpen(event: TrainingEventRow, now: Date): void {
    if (event.status !== 'published') throw new TrainingNotOpen(event.status);
    const closes = event.registrationDeadline ?? event.startsAt;
    if (now.getTime() > new Date(closes).getTime()) throw new RegistrationClosed();
  }

  private payload(
    event: TrainingEventRow,
    status: RegistrationStatus | null,
    promoted: boolean,
  ): TrainingRegistrationEvent {
    return { eventId: event.id, title: event.title, status, promoted };
  }
}
