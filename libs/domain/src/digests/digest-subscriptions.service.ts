import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import {
  DomainError,
  NotFound,
  RateLimited,
  ValidationFailed,
  type ErrorDetail,
} from '../common/domain-error.js';
import { ChannelsRepository } from '../messaging/channels.repository.js';
import { DAILY_OR_WEEKLY, FREQUENCIES, isTimezone, type DigestFrequency } from './digest-schedule.js';
import {
  DigestSubscriptionsRepository,
  type DigestSettings,
  type SubscriptionRow,
} from './digest-subscriptions.repository.js';
import { hashConfirmToken, newConfirmToken, UnsubscribeTokens } from './digest-tokens.js';
import { DigestMail } from './digest.ports.js';

/** A confirmation link is valid 7 days. */
export const CONFIRM_TTL_MS = 7 * 86_400_000;
/** Per client address: subscription requests in this window before 429. */
export const SUBSCRIBE_WINDOW_MS = 3600_000;
export const SUBSCRIBE_MAX_PER_IP = 10;
/** Per address: confirmation emails in that window (more requests still answer 202 and send nothing). */
export const CONFIRMATIONS_MAX_PER_ADDRESS = 3;

const EMAIL = /^[^\s@<>(),;:"\\[\]]{1,64}@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;

export interface SubscriptionRequest {
  email: unknown;
  networks: unknown;
  frequency: unknown;
  hour: unknown;
  timezone: unknown;
  locale: unknown;
}

export interface AccountDigestView {
  enabled: boolean;
  frequency: DigestFrequency;
  hour: number;
  timezone: string | null;
  networks: string[];
}

export class InvalidToken extends DomainError {
  constructor() {
    super('INVALID_TOKEN', 400, {
      en: 'The token is not valid or has expired.',
      es: 'El token no es válido o ha expirado.',
    });
  }
}

/** Public subscriptions (double opt-in), account digests, and the unsubscribe link's actions. */
@Injectable()
export class DigestSubscriptionsService {
  readonly tokens: UnsubscribeTokens;

  constructor(
    private readonly repo: DigestSubscriptionsRepository,
    private readonly channels: ChannelsRepository,
    private readonly audit: AuditService,
    private readonly mail: DigestMail,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.tokens = new UnsubscribeTokens(config.jwtSecret);
  }

  unsubscribeUrl(subscriptionId: string): string {
    return `${this.config.publicUrl}/digest/unsubscribe?token=${encodeURIComponent(this.tokens.sign(subscriptionId))}`;
  }

  /**
   * Anyone may ask; the answer is the same whatever the address (no enumeration). Only a confirmation email is sent:
   * the requested settings wait in `pending` until the link's page posts the token back.
   */
  async request(ctx: RequestContext, input: SubscriptionRequest): Promise<void> {
    const since = new Date(this.clock.now().getTime() - SUBSCRIBE_WINDOW_MS);
    if (ctx.ip && (await this.repo.requestsSince({ ip: ctx.ip }, since)) >= SUBSCRIBE_MAX_PER_IP)
      throw new RateLimited(Math.ceil(SUBSCRIBE_WINDOW_MS / 1000), {
        en: 'Too many subscription requests; try again later.',
        es: 'Demasiadas solicitudes de suscripción; inténtelo más tarde.',
      });
    const details: ErrorDetail[] = [];
    const email = typeof input.email === 'string' ? input.email.trim() : '';
    if (email.length > 254 || !EMAIL.test(email))
      details.push({
        field: 'email',
        message: 'must be an email address',
        es: 'debe ser una dirección de correo electrónico',
      });
    const locale = input.locale;
    if (locale !== 'en' && locale !== 'es')
      details.push({ field: 'locale', message: 'must be en or es', es: 'debe ser en o es' });
    if (!isTimezone(input.timezone))
      details.push({
        field: 'timezone',
        message: 'must be an IANA time zone such as America/Guatemala',
        es: 'debe ser una zona horaria IANA, como America/Guatemala',
      });
    const settings = await this.settings(input, details);
    if (details.length) throw new ValidationFailed(details);
    const { token, hash } = newConfirmToken();
    const expiresAt = new Date(this.clock.now().getTime() + CONFIRM_TTL_MS);
    const full: DigestSettings = {
      ...settings,
      timezone: input.timezone as string,
      locale: locale as 'en' | 'es',
    };
    const { id } = await this.repo.requestPublic(email, full, hash, expiresAt);
    const sentForAddress = await this.repo.requestsSince({ subscriptionId: id }, since);
    await this.audit.record(ctx, {
      action: 'digest.subscription.requested',
      targetType: 'digest-subscription',
      targetId: id,
    });
    if (sentForAddress >= CONFIRMATIONS_MAX_PER_ADDRESS) return;
    const networks = await this.networkNames(full.networks);
    await this.mail.sendConfirmation({
      to: email,
      locale: full.locale,
      confirmUrl: `${this.config.publicUrl}/digest/confirm?token=${encodeURIComponent(token)}`,
      networks,
      frequency: full.frequency,
      hour: full.hour,
      timezone: full.timezone!,
      expiresAt,
    });
  }

  async confirm(ctx: RequestContext, token: unknown): Promise<{ status: 'active' }> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) throw new InvalidToken();
    const row = await this.repo.confirm(hashConfirmToken(token), this.clock.now());
    if (!row) throw new InvalidToken();
    await this.audit.record(ctx, {
      action: 'digest.subscription.confirmed',
      targetType: 'digest-subscription',
      targetId: row.id,
    });
    return { status: 'active' };
  }

  // ---- an account's own digest ------------------------------------------------------------------------------------

  async mine(p: Principal): Promise<AccountDigestView> {
    const row = await this.repo.byUser(p.id);
    if (!row) {
      return {
        enabled: false,
        frequency: 'daily',
        hour: 8,
        timezone: null,
        networks: p.memberships.map((m) => m.network),
      };
    }
    return this.accountView(row);
  }

  async updateMine(
    ctx: RequestContext,
    p: Principal,
    input: Record<string, unknown>,
  ): Promise<AccountDigestView> {
    const details: ErrorDetail[] = [];
    if (typeof input.enabled !== 'boolean')
      details.push({ field: 'enabled', message: 'must be true or false', es: 'debe ser true o false' });
    const timezone = input.timezone ?? null;
    if (timezone !== null && !isTimezone(timezone))
      details.push({
        field: 'timezone',
        message: 'must be an IANA time zone such as America/Guatemala, or null for the account’s',
        es: 'debe ser una zona horaria IANA, como America/Guatemala, o null para usar la de la cuenta',
      });
    const settings = await this.settings(input, details);
    if (details.length) throw new ValidationFailed(details);
    await this.repo.upsertAccount(
      p.id,
      { ...settings, timezone: timezone as string | null, locale: p.locale },
      input.enabled as boolean,
    );
    await this.audit.record(ctx, {
      action: 'digest.account.updated',
      targetType: 'user',
      targetId: p.id,
      details: { enabled: input.enabled, frequency: settings.frequency, networks: settings.networks },
    });
    return this.mine(p);
  }

  private accountView(row: SubscriptionRow): AccountDigestView {
    return {
      enabled: row.status === 'active',
      frequency: row.frequency,
      hour: row.hour,
      timezone: row.ownTimezone,
      networks: row.networks,
    };
  }

  // ---- the unsubscribe link ---------------------------------------------------------------------------------------

  /** The subscription behind a genuine token; 404 for a forged or altered one. */
  async byToken(token: unknown): Promise<SubscriptionRow> {
    const id = this.tokens.verify(token);
    const row = id ? await this.repo.byId(id) : null;
    if (!row) throw new NotFound('subscription');
    return row;
  }

  /** RFC 8058 one-click: idempotent. */
  async unsubscribe(ctx: RequestContext, token: unknown): Promise<SubscriptionRow> {
    const row = await this.byToken(token);
    await this.repo.unsubscribe(row.id);
    if (row.status !== 'unsubscribed')
      await this.audit.record(ctx, {
        action: 'digest.unsubscribed',
        targetType: 'digest-subscription',
        targetId: row.id,
      });
    return (await this.repo.byId(row.id))!;
  }

  async weeklyInstead(ctx: RequestContext, token: unknown): Promise<SubscriptionRow> {
    const row = await this.byToken(token);
    await this.repo.weeklyInstead(row.id);
    await this.audit.record(ctx, {
      action: 'digest.weekly-instead',
      targetType: 'digest-subscription',
      targetId: row.id,
    });
    return (await this.repo.byId(row.id))!;
  }

  // ---- shared validation ------------------------------------------------------------------------------------------

  private async settings(
    input: Record<string, unknown> | SubscriptionRequest,
    details: ErrorDetail[],
  ): Promise<Omit<DigestSettings, 'timezone' | 'locale'>> {
    const { networks, frequency, hour } = input as Record<string, unknown>;
    const slugs = new Set((await this.channels.allNetworks()).map((n) => n.slug));
    if (
      !Array.isArray(networks) ||
      networks.length === 0 ||
      networks.some((n) => typeof n !== 'string' || !slugs.has(n))
    )
      details.push({
        field: 'networks',
        message: `must list one or more of ${[...slugs].join(', ')}`,
        es: `debe incluir una o más de ${[...slugs].join(', ')}`,
      });
    if (!FREQUENCIES.includes(frequency as DigestFrequency))
      details.push({ field: 'frequency', message: DAILY_OR_WEEKLY.en, es: DAILY_OR_WEEKLY.es });
    if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23)
      details.push({
        field: 'hour',
        message: 'must be a whole number from 0 to 23',
        es: 'debe ser un número entero de 0 a 23',
      });
    return {
      networks: Array.isArray(networks) ? [...new Set(networks as string[])] : [],
      frequency: frequency as DigestFrequency,
      hour: hour as number,
    };
  }

  private async networkNames(networkSlugs: string[]) {
    const all = await this.channels.allNetworks();
    return all.filter((n) => networkSlugs.includes(n.slug)).map((n) => ({ en: n.nameEn, es: n.nameEs }));
  }
}
