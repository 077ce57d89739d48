import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { AccountsRepository } from '../accounts/accounts.repository.js';
import type { Principal } from '../accounts/principal.js';
import { accessScope } from '../messaging/channel-access.policy.js';
import { ChannelsRepository } from '../messaging/channels.repository.js';
import { DigestAccessPolicy } from './digest-access.policy.js';
import { DigestContentRepository } from './digest-content.repository.js';
import { coveredWindow, type DigestFrequency } from './digest-schedule.js';
import type { SubscriptionRow } from './digest-subscriptions.repository.js';
import {
  type DigestContent,
  type DigestNetworkSection,
  type DigestTrainingItem,
  DigestTrainingSource,
} from './digest.ports.js';

const DAY_MS = 86_400_000;
/** Training events of the next 30 days. */
export const TRAINING_AHEAD_MS = 30 * DAY_MS;
/** An officer's follow-ups "due" are those due within the next 7 days (and every overdue one). */
export const DUE_SOON_MS = 7 * DAY_MS;

/** Builds one reader's digest: what they may see of each of their networks, as of `at`. */
@Injectable()
export class DigestContentService {
  constructor(
    private readonly repo: DigestContentRepository,
    private readonly channels: ChannelsRepository,
    private readonly accounts: AccountsRepository,
    private readonly policy: DigestAccessPolicy,
    private readonly training: DigestTrainingSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** null: the reader gets nothing (a disabled or deleted account). */
  async build(sub: SubscriptionRow, frequency: DigestFrequency, at: Date): Promise<DigestContent | null> {
    let reader: Principal | null = null;
    if (sub.userId) {
      const p = await this.accounts.principalById(sub.userId);
      if (!p || p.disabledAt) return null;
      reader = p;
    }
    const { from, to } = coveredWindow(frequency, at);
    const networks = (await this.channels.allNetworks()).filter((n) => sub.networks.includes(n.slug));
    const [training, counts] = await Promise.all([
      this.training.upcoming(
        networks.map((n) => n.slug),
        at,
        new Date(at.getTime() + TRAINING_AHEAD_MS),
      ),
      this.repo.followUpCounts(
        networks.map((n) => n.id),
        at,
      ),
    ]);
    const url = this.config.publicUrl;
    const sections: DigestNetworkSection[] = [];
    for (const n of networks) {
      const section: DigestNetworkSection = {
        slug: n.slug,
        name: { en: n.nameEn, es: n.nameEs },
        officer: false,
        training: training.get(n.slug) ?? [],
        followUps: counts.get(n.id) ?? { open: 0, overdue: 0 },
        newCases: [],
        dueForCountry: [],
        unread: [],
      };
      const officer = this.policy.officerView(reader, n.id);
      if (reader && officer) {
        section.officer = true;
        const [cases, due, channels] = await Promise.all([
          this.repo.newCases(n.id, officer.country, from, to),
          this.repo.dueForCountry(n.id, officer.country, at, new Date(at.getTime() + DUE_SOON_MS)),
          this.channels.listReadable(n.id, accessScope(reader)),
        ]);
        section.newCases = cases
          .filter((c) => this.policy.mayListCase(reader!, { networkId: n.id, ...c }))
          .map((c) => ({ ...this.policy.caseLine(c), link: `${url}/cases/${c.id}` }));
        section.dueForCountry = due.map((f) => ({
          title: f.title,
          dueAt: new Date(f.dueAt),
          overdue: new Date(f.dueAt).getTime() <= at.getTime(),
          link: `${url}/follow-ups/${f.id}`,
        }));
        section.unread = channels
          .filter((c) => c.unreadCount > 0)
          .map((c) => ({ channel: c.name, count: c.unreadCount, link: `${url}/channels/${c.id}` }));
      }
      sections.push(section);
    }
    return { frequency, from, to, networks: sections };
  }

  /** Empty (and not sent): no new case, no training ahead, no follow-up open, due or overdue for the reader. */
  static isEmpty(content: DigestContent): boolean {
    return content.networks.every(
      (s) =>
        !s.newCases.length &&
        !s.training.length &&
        !s.dueForCountry.length &&
        s.followUps.open + s.followUps.overdue === 0,
    );
  }
}

/** Published training events of the next 30 days, from the training feature's tables (issue 7). */
@Injectable()
export class PublishedTrainingEvents extends DigestTrainingSource {
  constructor(
    private readonly repo: DigestContentRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async upcoming(networkSlugs: string[], from: Date, to: Date): Promise<Map<string, DigestTrainingItem[]>> {
    const out = new Map<string, DigestTrainingItem[]>(networkSlugs.map((s) => [s, []]));
    for (const e of await this.repo.trainingAhead(networkSlugs, from, to)) {
      out.get(e.slug)?.push({
        id: e.id,
        title: { en: e.titleEn, es: e.titleEs },
        startsAt: new Date(e.startsAt),
        link: `${this.config.publicUrl}/training/${e.id}`,
      });
    }
    return out;
  }
}
