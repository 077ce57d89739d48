import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { invalid, NotFound, ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { applyOffset } from '../follow-ups/durations.js';
import { SheetFollowUpsService } from '../follow-ups/sheet-follow-ups.service.js';
import { countryCodeHint, MEMBER_COUNTRY_CODES } from '../reference/reference-data.js';
import { SheetAccessPolicy } from './sheet-access.policy.js';
import { renderSheetMarkdown } from './sheet-markdown.js';
import {
  isSheetTopic,
  SHEET_TOPIC_TITLES,
  SHEET_TOPICS,
  sheetBody,
  type SheetTopic,
  staleAfterPeriod,
  topicProblem,
  versionNumber,
} from './sheet.rules.js';
import type {
  SheetFreshnessView,
  SheetSummaryView,
  SheetVersionEntry,
  SheetVersionRow,
  SheetView,
} from './sheet.types.js';
import { SheetsRepository } from './sheets.repository.js';

type Meta = Omit<SheetVersionRow, 'bodyEn' | 'bodyEs'>;
const entry = (r: Meta): SheetVersionEntry => ({
  version: r.version,
  updatedAt: r.createdAt.toISOString(),
  updatedBy: r.author,
});

/**
 * Country sheets, the Virtual Secretariat's library: each member country's reference information per topic, kept
 * as numbered versions (Markdown in English and Spanish, author, time). Publishing stores a new version, audited,
 * and answers for that country every open follow-up item that names the sheet, in the same transaction.
 */
@Injectable()
export class SheetsService {
  constructor(
    private readonly repo: SheetsRepository,
    private readonly policy: SheetAccessPolicy,
    private readonly followUps: SheetFollowUpsService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  /** Every topic of a member country's library, published or not. */
  async library(me: Principal, country: string): Promise<SheetSummaryView[]> {
    this.policy.assertCanRead(me);
    this.assertCountry(country);
    const latest = new Map((await this.repo.latest({ country })).map((r) => [r.topic, r]));
    return SHEET_TOPICS.map((topic) => {
      const r = latest.get(topic);
      return {
        country,
        topic,
        title: SHEET_TOPIC_TITLES[topic],
        version: r?.version ?? null,
        updatedAt: r ? r.createdAt.toISOString() : null,
        updatedBy: r?.author ?? null,
      };
    });
  }

  /** The latest version, or `version` when asked; 404 when there is none. */
  async read(me: Principal, country: string, topic: string, version?: unknown): Promise<SheetView> {
    this.policy.assertCanRead(me);
    const t = this.assertSheet(country, topic);
    const errors: ErrorDetail[] = [];
    const n = versionNumber(version, errors);
    if (errors.length) throw new ValidationFailed(errors);
    const row = await this.repo.version(country, t, n);
    if (!row) throw new NotFound('country sheet');
    const latest =
      n === undefined ? row.version : ((await this.repo.version(country, t))?.version ?? row.version);
    return this.view(row, latest);
  }

  async versions(me: Principal, country: string, topic: string): Promise<SheetVersionEntry[]> {
    this.policy.assertCanRead(me);
    const t = this.assertSheet(country, topic);
    return (await this.repo.versions(country, t)).map(entry);
  }

  async publish(
    ctx: RequestContext,
    me: Principal,
    country: string,
    topic: string,
    input: { body?: unknown },
  ): Promise<SheetView> {
    this.policy.assertCanRead(me);
    const t = this.assertSheet(country, topic);
    this.policy.assertCanPublish(me, country);
    const errors: ErrorDetail[] = [];
    const body = sheetBody(input.body, errors);
    if (errors.length) throw new ValidationFailed(errors);
    const at = this.clock.now();
    const { version, completed } = await this.dataSource.transaction(async (m) => {
      const version = await this.repo.insertVersion(
        { country, topic: t, bodyEn: body.en, bodyEs: body.es, authorId: me.id, at },
        m,
      );
      await this.audit.record(
        ctx,
        {
          action: 'sheet.publish',
          targetType: 'country_sheet',
          targetId: `${country}:${t}`,
          details: { version },
        },
        m,
      );
      const completed = await this.followUps.complete(
        ctx,
        { country, topic: t, version, userId: me.id, at },
        m,
      );
      return { version, completed };
    });
    const view = this.view((await this.repo.version(country, t, version))!, version);
    this.events.publish('sheet.published', {
      networkIds: await this.repo.networkIds(),
      sheet: {
        country,
        topic: t,
        title: view.title,
        version,
        updatedAt: view.updatedAt,
        updatedBy: view.updatedBy,
      },
    });
    await this.followUps.afterCommit(completed);
    return view;
  }

  /** The editor's preview: the HTML a version with this text would show (nothing is stored). */
  preview(me: Principal, input: { body?: unknown }): { html: { en: string; es: string } } {
    this.policy.assertCanPreview(me);
    const errors: ErrorDetail[] = [];
    const raw = (input.body ?? {}) as Record<string, unknown>;
    // blanks are fine here (a draft in progress): only the shape and the length are checked
    sheetBody({ en: raw.en === '' ? ' x' : raw.en, es: raw.es === '' ? ' x' : raw.es }, errors);
    if (errors.length) throw new ValidationFailed(errors);
    const html = (text: unknown) => (typeof text === 'string' && text ? renderSheetMarkdown(text) : '');
    return { html: { en: html(raw.en), es: html(raw.es) } };
  }

  /** For every member country (and each topic, or the one asked), its latest version and whether it is stale. */
  async freshness(
    me: Principal,
    query: { topic?: string; staleAfter?: string },
  ): Promise<SheetFreshnessView[]> {
    this.policy.assertCanRead(me);
    const errors: ErrorDetail[] = [];
    if (query.topic !== undefined && !isSheetTopic(query.topic))
      errors.push(topicProblem('topic', query.topic));
    const period = staleAfterPeriod(query.staleAfter, errors);
    if (errors.length) throw new ValidationFailed(errors);
    const topics = query.topic ? [query.topic as SheetTopic] : [...SHEET_TOPICS];
    const latest = new Map(
      (await this.repo.latest({ topic: query.topic })).map((r) => [`${r.country}:${r.topic}`, r]),
    );
    const now = this.clock.now().getTime();
    const out: SheetFreshnessView[] = [];
    for (const country of MEMBER_COUNTRY_CODES) {
      for (const topic of topics) {
        const r = latest.get(`${country}:${topic}`);
        out.push({
          country,
          topic,
          version: r?.version ?? null,
          updatedAt: r ? r.createdAt.toISOString() : null,
          stale: !r || applyOffset(r.createdAt, period!).getTime() < now,
        });
      }
    }
    return out;
  }

  private view(row: SheetVersionRow, latestVersion: number): SheetView {
    const topic = row.topic as SheetTopic;
    return {
      country: row.country,
      topic,
      title: SHEET_TOPIC_TITLES[topic],
      version: row.version,
      latestVersion,
      body: { en: row.bodyEn, es: row.bodyEs },
      html: { en: renderSheetMarkdown(row.bodyEn), es: renderSheetMarkdown(row.bodyEs) },
      updatedAt: row.createdAt.toISOString(),
      updatedBy: row.author,
    };
  }

  private assertCountry(country: string): void {
    if (!MEMBER_COUNTRY_CODES.includes(country)) throw invalid('country', countryCodeHint('member'));
  }

  private assertSheet(country: string, topic: string): SheetTopic {
    const errors: ErrorDetail[] = [];
    if (!MEMBER_COUNTRY_CODES.includes(country))
      errors.push({
        field: 'country',
        message: countryCodeHint('member').en,
        es: countryCodeHint('member').es,
      });
    if (!isSheetTopic(topic)) errors.push(topicProblem('topic', topic));
    if (errors.length) throw new ValidationFailed(errors);
    return topic as SheetTopic;
  }
}
