import { Injectable, Logger, type OnApplicationBootstrap, Inject } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import {
  Conflict,
  NotFound,
  ValidationFailed,
  type Bilingual,
  type ErrorDetail,
} from '../common/domain-error.js';
import { countryCodeHint } from '../reference/reference-data.js';
import { DomainEvents } from '../common/domain-events.js';
import { AccountAccessPolicy } from './account-access.policy.js';
import { AccountsRepository } from './accounts.repository.js';
import type { MembershipRole, SystemRole } from './account.entities.js';
import { hashPassword } from './password-hash.js';
import type { Principal } from './principal.js';

export interface NewUser {
  email: string;
  password: string;
  displayName: string;
  country?: string | null;
  organization?: string | null;
  locale: 'en' | 'es';
  timezone: string;
  roles?: SystemRole[];
  memberships: Array<{ network: string; role: MembershipRole }>;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Control characters (CR, LF, NUL, …) and bidirectional overrides in a display name: it appears in email headers and
 * bodies, system messages, CSV exports and logs, where a line break or a reversed run can forge content.
 */
const UNSAFE_IN_NAMES = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;

/** What is wrong with a display name, or null when it is fine (1 to 120 printable characters). */
export function displayNameProblem(name: unknown): string | null {
  return displayNameProblemText(name)?.en ?? null;
}

/** The problem of a display name in English and Spanish. */
export function displayNameProblemText(name: unknown): Bilingual | null {
  if (typeof name !== 'string' || !name.trim() || name.trim().length > 120)
    return { en: 'must be 1 to 120 characters', es: 'debe tener de 1 a 120 caracteres' };
  if (UNSAFE_IN_NAMES.test(name))
    return {
      en: 'must not contain line breaks, control characters or direction overrides',
      es: 'no debe contener saltos de línea, caracteres de control ni cambios de dirección del texto',
    };
  return null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly repo: AccountsRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly policy: AccountAccessPolicy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Admin bootstrap from ADMIN_EMAIL / ADMIN_PASSWORD when no admin exists yet. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    if (await this.repo.anyAdmin()) return;
    const lock = await this.dataSource.query(`SELECT pg_try_advisory_lock(7351420002) AS ok`);
    if (!lock[0].ok) return;
    try {
      if (await this.repo.anyAdmin()) return;
      const user = await this.createUser(
        { actorId: null, requestId: 'startup:admin-bootstrap' },
        {
          email: adminEmail,
          password: adminPassword,
          displayName: 'Administrator',
          locale: 'en',
          timezone: 'UTC',
          roles: ['admin'],
          memberships: [],
        },
      );
      this.logger.log(`created the admin account ${user.email}`);
    } finally {
      await this.dataSource.query(`SELECT pg_advisory_unlock(7351420002)`);
    }
  }

  private async validate(input: NewUser, checkName = true): Promise<void> {
    const details: ErrorDetail[] = [];
    const nameProblem = checkName ? displayNameProblemText(input.displayName) : null;
    if (nameProblem) details.push({ field: 'displayName', message: nameProblem.en, es: nameProblem.es });
    if (input.country && !(await this.repo.countryExists(input.country))) {
      const hint = countryCodeHint('rcm');
      details.push({ field: 'country', message: hint.en, es: hint.es });
    }
    if (input.organization && !(await this.repo.organizationExists(input.organization)))
      details.push({
        field: 'organization',
        message: 'must be the code of an observer organization',
        es: 'debe ser el código de una organización observadora',
      });
    if (!isTimeZone(input.timezone))
      details.push({
        field: 'timezone',
        message: 'must be an IANA time zone',
        es: 'debe ser una zona horaria IANA',
      });
    const networks = await this.repo.networksBySlug();
    input.memberships.forEach((m, i) => {
      if (!networks.has(m.network))
        details.push({
          field: `memberships.${i}.network`,
          message: 'must be smuggling-trafficking or consular-protection',
          es: 'debe ser smuggling-trafficking o consular-protection',
        });
    });
    const seen = new Set(input.memberships.map((m) => m.network));
    if (seen.size !== input.memberships.length)
      details.push({
        field: 'memberships',
        message: 'lists a network more than once',
        es: 'incluye una red más de una vez',
      });
    if (input.memberships.some((m) => m.role === 'officer') && !input.country)
      details.push({
        field: 'country',
        message: 'is required for an officer: officers act for a country',
        es: 'es obligatorio para un oficial: los oficiales actúan por un país',
      });
    if (details.length) throw new ValidationFailed(details);
  }

  async createUser(ctx: RequestContext, input: NewUser): Promise<Principal> {
    const email = normalizeEmail(input.email);
    await this.validate(input);
    const passwordHash = await hashPassword(input.password);
    const networks = await this.repo.networksBySlug();
    const id = await this.dataSource
      .transaction(async (m) => {
        if (await this.repo.emailTaken(email, m))
          throw new Conflict(
            {
              en: 'An account with this email exists.',
              es: 'Ya existe una cuenta con ese correo electrónico.',
            },
            'EMAIL_TAKEN',
          );
        const userId = await this.repo.insertUser(
          {
            email,
            passwordHash,
            displayName: input.displayName.trim(),
            country: input.country ?? null,
            organization: input.organization ?? null,
            locale: input.locale,
            timezone: input.timezone,
            roles: input.roles ?? [],
            calendarToken: randomBytes(24).toString('base64url'),
          },
          m,
        );
        await this.repo.replaceMemberships(
          userId,
          input.memberships.map((x) => ({ networkId: networks.get(x.network)!.id, role: x.role })),
          m,
        );
        await this.audit.record(
          ctx,
          {
            action: 'account.created',
            targetType: 'user',
            targetId: userId,
            details: {
              email,
              roles: input.roles ?? [],
              country: input.country ?? null,
              organization: input.organization ?? null,
            },
          },
          m,
        );
        if (input.memberships.length) {
          await this.audit.record(
            ctx,
            {
              action: 'membership.set',
              targetType: 'user',
              targetId: userId,
              details: { memberships: input.memberships },
            },
            m,
          );
        }
        return userId;
      })
      .catch((error) => {
        if (error?.code === '23505')
          throw new Conflict(
            {
              en: 'An account with this email exists.',
              es: 'Ya existe una cuenta con ese correo electrónico.',
            },
            'EMAIL_TAKEN',
          );
        throw error;
      });
    return (await this.repo.principalById(id))!;
  }

  /**
   * Replaces a user's memberships. `by` is the caller (checked by the account policy: never oneself; staff accounts
   * only by an admin); the operator CLI passes null (it acts with the database's own authority, audited).
   */
  async setMemberships(
    ctx: RequestContext,
    userId: string,
    memberships: Array<{ network: string; role: MembershipRole }>,
    by: Principal | null,
  ): Promise<Principal> {
    const user = await this.repo.principalById(userId);
    if (!user) throw new NotFound('user');
    if (by) this.policy.assertCanSetMemberships(by, user);
    await this.validate({ ...user, password: '', memberships }, false);
    const networks = await this.repo.networksBySlug();
    await this.dataSource.transaction(async (m) => {
      await this.repo.replaceMemberships(
        userId,
        memberships.map((x) => ({ networkId: networks.get(x.network)!.id, role: x.role })),
        m,
      );
      await this.audit.record(
        ctx,
        {
          action: 'membership.set',
          targetType: 'user',
          targetId: userId,
          details: {
            before: user.memberships.map(({ network, role }) => ({ network, role })),
            after: memberships,
            ...(user.roles.length ? { staffAccount: user.roles } : {}),
          },
        },
        m,
      );
    });
    this.events.publish('access.changed', { userIds: [userId] });
    return (await this.repo.principalById(userId))!;
  }

  async get(userId: string): Promise<Principal> {
    const user = await this.repo.principalById(userId);
    if (!user) throw new NotFound('user');
    const { disabledAt: _d, ...principal } = user;
    return principal;
  }

  async findIdByEmail(email: string): Promise<string | null> {
    return this.repo.userIdByEmail(normalizeEmail(email));
  }

  async list(): Promise<Principal[]> {
    return this.repo.listUsers();
  }
}
