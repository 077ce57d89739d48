import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { membershipIn, type Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { invalid, NotAllowed, NotFound } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { caseAccess, CaseAccessPolicy } from './case-access.policy.js';
import {
  actorLabel,
  addAssigneesLine,
  caseChangeLines,
  caseOpenedText,
  caseUpdatedText,
} from './case-change-text.js';
import { formatReference } from './case-rules.js';
import {
  sameSet,
  validateCaseFilter,
  validateCasePatch,
  validateOpenCase,
  type CasePatch,
  type OpenCaseInput,
} from './case-validation.js';
import { caseView, type CaseView } from './case.view.js';
import { accessScope } from './channel-access.policy.js';
import { ChannelsRepository, type NetworkRecord } from './channels.repository.js';
import { CasesRepository, type CaseRecord } from './cases.repository.js';
import { isUuid } from './message-rules.js';
import { messageView, type MessageView } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';

/**
 * Cases: references unique under concurrency (a counter row per network and year, locked in the opening transaction),
 * types per network, the status workflow, handling levels, assignees, and the case thread (a hidden channel). Every
 * read and change is audited; changes appear as system messages in the thread and as `case.created` / `case.updated`
 * to the sockets that may read the case.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly repo: CasesRepository,
    private readonly channels: ChannelsRepository,
    private readonly messages: MessagesRepository,
    private readonly policy: CaseAccessPolicy,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private async network(slug: string): Promise<NetworkRecord> {
    const n = (await this.channels.allNetworks()).find((x) => x.slug === slug);
    if (!n) throw new NotFound('network');
    return n;
  }

  private assertCaseReaderOfNetwork(p: Principal, n: NetworkRecord): void {
    const m = membershipIn(p, n.id);
    if (!m)
      throw new NotAllowed({
        en: 'You are not a member of this network.',
        es: 'Usted no es miembro de esta red.',
      });
    if (m.role !== 'officer')
      throw new NotAllowed({
        en: 'Only officers of the network work on cases; observers do not see them.',
        es: 'Solo los oficiales de la red trabajan en los casos; los observadores no los ven.',
      });
  }

  async open(ctx: RequestContext, p: Principal, slug: string, input: OpenCaseInput): Promise<CaseView> {
    const n = await this.network(slug);
    if (!this.policy.canOpen(p, n.id)) {
      if (!membershipIn(p, n.id))
        throw new NotAllowed({
          en: 'You are not a member of this network.',
          es: 'Usted no es miembro de esta red.',
        });
      throw new NotAllowed({
        en: 'Only officers of the network open cases.',
        es: 'Solo los oficiales de la red abren casos.',
      });
    }
    if (!p.country)
      throw new NotAllowed({
        en: 'An officer acts for a country; your account has none.',
        es: 'Un oficial actúa por un país; su cuenta no tiene ninguno.',
      });
    const { title, summary, countries } = validateOpenCase(
      n.slug,
      input,
      p.country,
      await this.repo.countryCodes(),
    );

    const at = this.clock.now();
    const caseId = randomUUID();
    const { systemMessageId } = await this.dataSource.transaction(async (m) => {
      const number = await this.repo.nextNumber(n.id, at.getUTCFullYear(), m);
      const reference = formatReference(n.casePrefix, at.getUTCFullYear(), number);
      const channel = await this.channels.insert(
        {
          networkId: n.id,
          name: `case:${reference}`,
          visibility: 'officers',
          createdBy: p.id,
          kind: 'case',
          caseId,
        },
        m,
      );
      await this.repo.insert(
        {
          id: caseId,
          networkId: n.id,
          reference,
          title,
          type: input.type,
          handling: input.handling,
          countries,
          summary,
          openedBy: p.id,
          channelId: channel.id,
          at,
        },
        m,
      );
      await this.audit.record(
        ctx,
        {
          action: 'case.created',
          targetType: 'case',
          targetId: caseId,
          details: { reference, network: n.slug, type: input.type, handling: input.handling, countries },
        },
        m,
      );
      const sys = await this.messages.insertSystem(
        {
          channelId: channel.id,
          caseId,
          body: caseOpenedText(reference, actorLabel(p)),
          priority: 'normal',
          key: null,
          at,
        },
        m,
      );
      return { reference, channelId: channel.id, systemMessageId: sys!.id };
    });
    const record = (await this.repo.byId(caseId))!;
    const view = caseView(record);
    const system = messageView((await this.messages.byId(systemMessageId))!);
    // The case first (its readers then hear of its thread), then the thread's first message.
    this.events.publish('case.created', { case: view, access: caseAccess(record) });
    this.events.publish('message.created', { message: system });
    return view;
  }

  async list(
    ctx: RequestContext,
    p: Principal,
    slug: string,
    filter: { status?: string; country?: string },
  ): Promise<CaseView[]> {
    const n = await this.network(slug);
    this.assertCaseReaderOfNetwork(p, n);
    validateCaseFilter(filter);
    const list = await this.repo.listReadable(n.id, accessScope(p), filter);
    if (list.length) {
      await this.audit.record(ctx, {
        action: 'case.list',
        targetType: 'network',
        targetId: n.slug,
        details: { filter, caseIds: list.map((c) => c.id) },
      });
    }
    return list.map(caseView);
  }

  /** A case the caller may read, audited; 404 (also audited) for anyone else. */
  async get(ctx: RequestContext, p: Principal, id: string, via = 'get'): Promise<CaseRecord> {
    const record = isUuid(id) ? await this.repo.byId(id) : null;
    if (!record || !this.policy.canRead(p, record)) {
      if (record)
        await this.audit.record(ctx, {
          action: 'case.read.denied',
          targetType: 'case',
          targetId: id,
          details: { via },
        });
      throw new NotFound('case');
    }
    await this.audit.record(ctx, { action: 'case.read', targetType: 'case', targetId: id, details: { via } });
    return record;
  }

  /** The thread's channel of a case the caller may read (404 otherwise). Reads of the thread are audited there. */
  async threadChannel(p: Principal, id: string): Promise<string> {
    const facts = isUuid(id) ? await this.repo.byId(id) : null;
    if (!facts || !this.policy.canRead(p, facts)) throw new NotFound('case');
    return facts.channelId;
  }

  async update(ctx: RequestContext, p: Principal, id: string, patch: CasePatch): Promise<CaseView> {
    const before = isUuid(id) ? await this.repo.byId(id) : null;
    if (!before || !this.policy.canChange(p, before)) {
      if (before)
        await this.audit.record(ctx, { action: 'case.update.denied', targetType: 'case', targetId: id });
      throw new NotFound('case');
    }
    const { status, handling, countries, assigneeIds } = validateCasePatch(
      {
        status: before.status,
        handling: before.handling,
        countries: before.countries,
        assigneeIds: before.assignees.map((a) => a.id),
        openerCountry: before.openedBy.country,
      },
      patch,
      patch.countries !== undefined ? await this.repo.countryCodes() : new Set(),
    );
    const audienceChanged = handling !== before.handling || !sameSet(countries, before.countries);
    if (
      audienceChanged &&
      !this.policy.canChangeAudience(p, { ...before, openerCountry: before.openedBy.country })
    ) {
      await this.audit.record(ctx, {
        action: 'case.update.denied',
        targetType: 'case',
        targetId: id,
        details: { reason: 'audience', handling: patch.handling, countries: patch.countries },
      });
      throw new NotAllowed({
        en: `Only officers of ${before.openedBy.country ?? 'the country that opened the case'} change its handling or countries.`,
        es: `Solo los oficiales de ${before.openedBy.country ?? 'el país que abrió el caso'} cambian su manejo o sus países.`,
      });
    }
    const after = { networkId: before.networkId, handling, countries };
    if (assigneeIds.length) {
      const found = await this.channels.networkMembers(before.networkId, assigneeIds);
      const ok = new Set(
        found
          .filter((u) => u.role === 'officer' && this.policy.officerCountryMayRead(u.country, after))
          .map((u) => u.id),
      );
      const bad = assigneeIds.filter((a) => !ok.has(a));
      if (bad.length)
        throw invalid('assignees', {
          en: `must be officers of the network who may read the case: ${bad.join(', ')}`,
          es: `deben ser oficiales de la red que puedan leer el caso: ${bad.join(', ')}`,
        });
    }

    const countriesChanged = !sameSet(countries, before.countries);
    const lines = caseChangeLines(before, { status, handling, countries }, countriesChanged);
    const assigneesChanged = !sameSet(
      assigneeIds,
      before.assignees.map((a) => a.id),
    );
    if (!lines.en.length && !assigneesChanged) return caseView(before);

    const at = this.clock.now();
    const systemId = await this.dataSource.transaction(async (m) => {
      await this.repo.lockForUpdate(id, m);
      await this.repo.update(id, { status, handling, countries, assignees: assigneeIds, at }, m);
      const record = (await this.repo.byId(id, m))!;
      if (assigneesChanged) addAssigneesLine(lines, record.assignees);
      await this.audit.record(
        ctx,
        {
          action: 'case.updated',
          targetType: 'case',
          targetId: id,
          details: {
            before: {
              status: before.status,
              handling: before.handling,
              countries: before.countries,
              assignees: before.assignees.map((a) => a.id),
            },
            after: { status, handling, countries, assignees: assigneeIds },
          },
        },
        m,
      );
      const sys = await this.messages.insertSystem(
        {
          channelId: before.channelId,
          caseId: id,
          body: caseUpdatedText(before.reference, actorLabel(p), lines),
          priority: 'normal',
          key: null,
          at,
        },
        m,
      );
      return sys!.id;
    });
    const record = (await this.repo.byId(id))!;
    const view = caseView(record);
    const system = messageView((await this.messages.byId(systemId))!);
    // Who may read the case changes before anything more is said in its thread.
    this.events.publish('case.updated', {
      case: view,
      access: caseAccess(record),
      accessChanged: handling !== before.handling || countriesChanged,
    });
    this.events.publish('message.created', { message: system as MessageView });
    return view;
  }
}
