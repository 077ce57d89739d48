import { Injectable } from '@nestjs/common';
import type { Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { NotFound, ValidationFailed } from '../common/domain-error.js';
import { accessScope, ChannelAccessPolicy } from './channel-access.policy.js';
import { ChannelsRepository } from './channels.repository.js';
import { messageView, type MessageView } from './message.view.js';
import { SearchRepository } from './search.repository.js';
import { MessageReadingService } from './message-reading.service.js';
import { caseView, type CaseView } from './case.view.js';
import { trimCountries } from './channels.repository.js';

export type SearchHit =
  { type: 'message'; rank: number; message: MessageView } | { type: 'case'; rank: number; case: CaseView };

/** Full-text search over messages and cases, Spanish and English, accent-insensitive, only what the caller may read. */
@Injectable()
export class SearchService {
  constructor(
    private readonly repo: SearchRepository,
    private readonly channels: ChannelsRepository,
    private readonly messages: MessageReadingService,
    private readonly audit: AuditService,
  ) {}

  async search(
    ctx: RequestContext,
    p: Principal,
    input: { q?: string; network?: string; limit?: number },
  ): Promise<{ results: SearchHit[] }> {
    const q = (input.q ?? '').trim();
    if (!q || q.length > 200 || q.includes('\u0000'))
      throw new ValidationFailed([
        { field: 'q', message: 'must be 1 to 200 characters', es: 'debe tener de 1 a 200 caracteres' },
      ]);
    let networkId: string | null = null;
    if (input.network) {
      const n = (await this.channels.allNetworks()).find((x) => x.slug === input.network);
      if (!n) throw new NotFound('network');
      networkId = n.id;
    }
    const limit = Math.min(Math.max(input.limit ?? 20, 1), 50);
    const params = ChannelAccessPolicy.sqlParams(accessScope(p));
    const [messageRows, caseRows] = await Promise.all([
      this.repo.messages(q, networkId, params, limit),
      this.repo.cases(q, networkId, params, limit),
    ]);
    const caseChannels = new Map<string, string>(
      messageRows.filter((r: any) => r.channelKind === 'case').map((r: any) => [r.channelId, r.caseId]),
    );
    const views = await this.messages.maskCases(p, messageRows.map(messageView), null, caseChannels);
    const hits: SearchHit[] = [
      ...views.map((message, i) => ({
        type: 'message' as const,
        rank: Number(messageRows[i].rank),
        message,
      })),
      ...caseRows.map((r: any) => ({
        type: 'case' as const,
        rank: Number(r.rank),
        case: caseView({
          ...r,
          countries: trimCountries(r.countries),
          openedBy: { ...r.openedBy, country: r.openedBy.country?.trim() ?? null },
        }),
      })),
    ]
      .sort((a, b) => b.rank - a.rank)
      .slice(0, limit);
    const readCases = new Set<string>();
    for (const h of hits) {
      if (h.type === 'case') readCases.add(h.case.id);
      else if (caseChannels.has(h.message.channelId)) readCases.add(h.message.caseId!);
    }
    for (const caseId of readCases) {
      await this.audit.record(ctx, {
        action: 'case.read',
        targetType: 'case',
        targetId: caseId,
        details: { via: 'search' },
      });
    }
    return { results: hits };
  }
}
