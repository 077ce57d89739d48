import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { Conflict, invalid } from '../common/domain-error.js';
import { countryCodeHint, MEMBER_COUNTRY_CODES } from '../reference/reference-data.js';
import { isOfficerAnywhere, type Principal } from '../accounts/principal.js';
import { PresidencyRepository, type PresidencyTerm } from './presidency.repository.js';

const CACHE_MS = 5_000;

/** The UTC calendar date of an instant: terms are whole days, and the handover happens at 00:00 UTC. */
export function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A calendar date written YYYY-MM-DD that exists. */
export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && utcDate(d) === value;
}

/**
 * The Presidency Pro-Tempore: `presidency` is derived from the term covering today (by the injected clock), never
 * stored as a flag, so the handover happens by date.
 */
@Injectable()
export class PresidencyService {
  private cache: { date: string; at: number; term: PresidencyTerm | null } | null = null;

  constructor(
    private readonly repo: PresidencyRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async currentTerm(): Promise<PresidencyTerm | null> {
    const now = this.clock.now();
    const date = utcDate(now);
    if (this.cache && this.cache.date === date && Date.now() - this.cache.at < CACHE_MS)
      return this.cache.term;
    const term = await this.repo.covering(date);
    this.cache = { date, at: Date.now(), term };
    return term;
  }

  async termOn(date: string): Promise<PresidencyTerm | null> {
    return this.repo.covering(date);
  }

  async currentCountry(): Promise<string | null> {
    return (await this.currentTerm())?.country ?? null;
  }

  /** True for officers of the country holding the current term. */
  async holdsPresidency(p: Principal): Promise<boolean> {
    if (!p.country || !isOfficerAnywhere(p)) return false;
    return (await this.currentCountry()) === p.country;
  }

  async setTerm(
    ctx: RequestContext,
    input: { country: string; startsOn: string; endsOn: string },
  ): Promise<PresidencyTerm> {
    if (!isDate(input.startsOn))
      throw invalid('startsOn', { en: 'must be a date (YYYY-MM-DD)', es: 'debe ser una fecha (AAAA-MM-DD)' });
    if (!isDate(input.endsOn))
      throw invalid('endsOn', { en: 'must be a date (YYYY-MM-DD)', es: 'debe ser una fecha (AAAA-MM-DD)' });
    if (input.endsOn < input.startsOn)
      throw invalid('endsOn', {
        en: 'must be on or after startsOn',
        es: 'debe ser igual o posterior a startsOn',
      });
    const [country] = await this.dataSource.query(`SELECT kind FROM countries WHERE code = $1`, [
      input.country,
    ]);
    if (!country) throw invalid('country', countryCodeHint('member'));
    if (country.kind !== 'member')
      throw invalid('country', {
        en: `only a member country can hold the Presidency Pro-Tempore: ${MEMBER_COUNTRY_CODES.join(', ')}`,
        es: `solo un país miembro puede ejercer la Presidencia Pro Tempore: ${MEMBER_COUNTRY_CODES.join(', ')}`,
      });

    const term = await this.dataSource.transaction(async (m) => {
      await m.query(`LOCK TABLE presidency_terms IN SHARE ROW EXCLUSIVE MODE`);
      const overlapping = await this.repo.overlapping(input.startsOn, input.endsOn, m);
      const others = overlapping.filter((t) => t.startsOn !== input.startsOn);
      if (others.length) {
        throw new Conflict(
          {
            en: `The term overlaps the term of ${others[0].country} from ${others[0].startsOn} to ${others[0].endsOn}.`,
            es: `El período se superpone con el de ${others[0].country} del ${others[0].startsOn} al ${others[0].endsOn}.`,
          },
          'PRESIDENCY_OVERLAP',
        );
      }
      const saved = await this.repo.upsertByStart(input.country, input.startsOn, input.endsOn, m);
      await this.audit.record(
        ctx,
        {
          action: 'presidency.term.set',
          targetType: 'presidency_term',
          targetId: saved.id,
          details: { ...input },
        },
        m,
      );
      return saved;
    });
    this.cache = null;
    return term;
  }

  async terms(): Promise<PresidencyTerm[]> {
    return this.repo.all();
  }
}
