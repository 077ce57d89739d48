import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { NotFound } from '../common/domain-error.js';
import { TrainingAccessPolicy } from './training-access.policy.js';
import { parseMailbox, trainingCalendar } from './training-calendar.js';
import { TrainingRepository } from './training.repository.js';
import type { TrainingEventRow } from './training.types.js';

/** Calendar tokens are 32 random bytes, base64url: unguessable, compared by an indexed equality lookup. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The `.ics` of one event, the tokenised network feed, and the rotation of the feed token. */
@Injectable()
export class TrainingCalendarService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly policy: TrainingAccessPolicy,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  eventIcs(me: Principal, event: TrainingEventRow): string {
    return trainingCalendar([event], {
      method: 'PUBLISH',
      locale: me.locale,
      publicUrl: this.config.publicUrl,
      organizer: parseMailbox(this.config.mailFrom),
    });
  }

  /** The network's published (and cancelled) events in the token owner's language; any doubt is a 404. */
  async feed(slug: string, token: unknown): Promise<string> {
    const ref = await this.repo.referenceData();
    if (!ref.networks.has(slug) || typeof token !== 'string' || !TOKEN.test(token))
      throw new NotFound('calendar');
    const owner = this.policy.assertFeedReader(await this.repo.principalByCalendarToken(token), slug);
    const names = await this.repo.names();
    const events = await this.repo.list({ networks: [slug], draftNetworks: [] });
    return trainingCalendar(events, {
      method: 'PUBLISH',
      locale: owner.locale,
      publicUrl: this.config.publicUrl,
      organizer: parseMailbox(this.config.mailFrom),
      name: `${names.get(`network:${slug}`)?.[owner.locale] ?? slug} — ${owner.locale === 'es' ? 'capacitación' : 'training'}`,
    });
  }

  /** A new calendar token; the old one stops working at once. */
  async rotateToken(ctx: RequestContext, me: Principal): Promise<{ calendarToken: string }> {
    const calendarToken = randomBytes(32).toString('base64url');
    await this.repo.setCalendarToken(me.id, calendarToken);
    await this.audit.record(ctx, {
      action: 'account.calendar_token.rotate',
      targetType: 'user',
      targetId: me.id,
    });
    return { calendarToken };
  }
}
