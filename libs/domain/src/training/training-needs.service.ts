import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { invalid, NotFound, ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import { TrainingAccessPolicy } from './training-access.policy.js';
import { TrainingNeedsRepository } from './training-needs.repository.js';
import { TrainingRepository } from './training.repository.js';
import { topicKey, validateNeeds } from './training.rules.js';
import type { NeedEntry, TrainingNeedsAggregate, TrainingNeedsView } from './training.types.js';

const PRIORITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/**
 * Each country's training needs and offers per network (communiqué 11.1), and the view the PPT plans from: which
 * topics many countries need and who offers them. Topics match across countries by their wording in either
 * language (case, accents and punctuation aside).
 */
@Injectable()
export class TrainingNeedsService {
  constructor(
    private readonly repo: TrainingRepository,
    private readonly needs: TrainingNeedsRepository,
    private readonly policy: TrainingAccessPolicy,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private async networkId(slug: string): Promise<string> {
    const id = await this.repo.networkId(slug);
    if (!id) throw new NotFound('network');
    return id;
  }

  private async assertCountry(country: string): Promise<void> {
    const ref = await this.repo.referenceData();
    if (!/^[A-Z]{2}$/.test(country) || !ref.countries.has(country))
      throw invalid('country', {
        en: 'must be an ISO 3166 alpha-2 country code such as GT',
        es: 'debe ser un código de país ISO 3166 alfa-2, como GT',
      });
  }

  async get(me: Principal, slug: string, country: string): Promise<TrainingNeedsView> {
    const networkId = await this.networkId(slug);
    this.policy.assertCanReadNetwork(me, slug);
    await this.assertCountry(country);
    const [row] = await this.needs.rows(networkId, country);
    return row ?? { country, needs: [], offers: [], updatedAt: null };
  }

  async put(
    ctx: RequestContext,
    me: Principal,
    slug: string,
    country: string,
    input: Record<string, unknown>,
  ): Promise<TrainingNeedsView> {
    const networkId = await this.networkId(slug);
    this.policy.assertCanReadNetwork(me, slug);
    await this.assertCountry(country);
    this.policy.assertCanWriteNeeds(me, slug, country);
    const errors: ErrorDetail[] = [];
    const { needs, offers } = validateNeeds(input, errors);
    if (errors.length) throw new ValidationFailed(errors);
    await this.dataSource.transaction(async (m) => {
      await this.needs.upsert(networkId, country, { needs, offers }, me.id, m);
      await this.audit.record(
        ctx,
        { action: 'training.needs.update', targetType: 'training_needs', targetId: `${slug}:${country}` },
        m,
      );
    });
    return this.get(me, slug, country);
  }

  async aggregate(me: Principal, slug: string): Promise<TrainingNeedsAggregate> {
    const networkId = await this.networkId(slug);
    this.policy.assertCanReadNetwork(me, slug);
    const countries = await this.needs.rows(networkId);
    const topics = new Map<
      string,
      { topic: NeedEntry['topic']; neededBy: Map<string, NeedEntry['priority']>; offeredBy: Set<string> }
    >();
    // Same topic when either language matches an earlier topic's wording.
    const alias = new Map<string, string>();
    const entry = (topic: NeedEntry['topic']) => {
      const en = `en:${topicKey(topic.en)}`;
      const es = `es:${topicKey(topic.es)}`;
      const key = alias.get(en) ?? alias.get(es) ?? en;
      alias.set(en, key);
      alias.set(es, key);
      if (!topics.has(key)) topics.set(key, { topic, neededBy: new Map(), offeredBy: new Set() });
      return topics.get(key)!;
    };
    for (const c of countries) {
      for (const n of c.needs) {
        const t = entry(n.topic);
        const had = t.neededBy.get(c.country);
        if (!had || PRIORITY_RANK[n.priority] < PRIORITY_RANK[had]) t.neededBy.set(c.country, n.priority);
      }
      for (const o of c.offers) entry(o.topic).offeredBy.add(c.country);
    }
    const list = [...topics.values()].map((t) => ({
      topic: t.topic,
      neededBy: [...t.neededBy]
        .map(([country, priority]) => ({ country, priority }))
        .sort(
          (a, b) =>
            PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.country.localeCompare(b.country),
        ),
      offeredBy: [...t.offeredBy].sort(),
    }));
    const weight = (t: (typeof list)[number]) =>
      t.neededBy.reduce((s, n) => s + (3 - PRIORITY_RANK[n.priority]), 0);
    list.sort(
      (a, b) =>
        b.neededBy.length - a.neededBy.length ||
        weight(b) - weight(a) ||
        a.topic.en.localeCompare(b.topic.en),
    );
    return { network: slug, countries, topics: list };
  }
}
