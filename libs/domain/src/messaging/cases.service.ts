import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '#config';
import { membershipIn, type Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { invalid, NotAllowed, NotFound, ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import type { NetworkSlug } from '../reference/reference-data.js';
import { CaseAccessPolicy } from './case-access.policy.js';
import {
  canTransition,
  CASE_STATUSES,
  CASE_TYPES,
  formatReference,
  STATUS_ES,
  type CaseStatus,
} from './case-rules.js';
import { accessScope, rooms, type CaseHandling } from './channel-access.policy.js';
import { ChannelsRepository, type NetworkRecord } from './channels.repository.js';
import { CasesRepository, type CaseRecord } from './cases.repository.js';
import { isUuid } from './message-rules.js';
import { messageView, type MessageView } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagingEvents } from './messaging-events.js';

export interface CaseView {
  id: string;
  reference: string;
  network: string;
  type: string;
  handling: CaseHandling;
  countries: string[];
  status: CaseStatus;
  title: string;
  summary: string;
  openedBy: { id: string; displayName: string; country: string | null };
  assignees: Array<{ id: string; displayName: string; country: string | null }>;
  /** The case thread: a channel like any other for `sync`, read cursors and rooms. */
  channelId: string;
  createdAt: string;
  updatedAt: string;
  lastSeq?: number;
  unreadCount?: number;
}

export function caseView(c: CaseRecord): CaseView {
  return {
    id: c.id,
    reference: c.reference,
    network: c.networkSlug,
    type: c.type,
    handling: c.handling,
    countries: c.countries,
    status: c.status,
    title: c.title,
    summary: c.summary,
    openedBy: c.openedBy,
    assignees: c.assignees,
    channelId: c.channelId,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    ...(c.lastSeq !== undefined ? { lastSeq: c.lastSeq, unreadCount: c.unreadCount } : {}),
  };
}

export interface OpenCaseInput {
  title: string;
  type: string;
  handling: CaseHandling;
  countries: string[];
  summary: string;
}

export interface CasePatch {
  status?: string;
  countries?: string[];
  handling?: string;
  assignees?: string[];
}

const MAX_COUNTRIES = 30;
const HANDLING_TEXT = {
  network: { en: 'any officer of the network', es: 'cualquier oficial de la red' },
  involved: {
    en: 'officers of the involved countries only',
    es: 'solo oficiales de los países involucrados',
  },
};

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
    private readonly roomEvents: MessagingEvents,
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
    if (!m) throw new NotAllowed('You are not a member of this network.');
    if (m.role !== 'officer')
      throw new NotAllowed('Only officers of the network work on cases; observers do not see them.');
  }

  private async validCountries(field: string, countries: unknown, details: ErrorDetail[]): Promise<string[]> {
    if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string')) {
      details.push({ field, message: 'must be a list of country codes such as ["GT","MX"]' });
      return [];
    }
    const known = await this.repo.countryCodes();
    const list = [...new Set(countries as string[])];
    const unknown = list.filter((c) => !known.has(c));
    if (unknown.length)
      details.push({ field, message: `has codes that are not RCM countries: ${unknown.join(', ')}` });
    if (list.length > MAX_COUNTRIES)
      details.push({ field, message: `must list at most ${MAX_COUNTRIES} countries` });
    return list;
  }

  async open(ctx: RequestContext, p: Principal, slug: string, input: OpenCaseInput): Promise<CaseView> {
    const n = await this.network(slug);
    if (!this.policy.canOpen(p, n.id)) {
      if (!membershipIn(p, n.id)) throw new NotAllowed('You are not a member of this network.');
      throw new NotAllowed('Only officers of the network open cases.');
    }
    if (!p.country) throw new NotAllowed('An officer acts for a country; your account has none.');
    const details: ErrorDetail[] = [];
    const title = typeof input.title === 'string' ? input.title.trim() : '';
    if (!title || title.length > 200 || title.includes('\u0000'))
      details.push({ field: 'title', message: 'must be 1 to 200 characters' });
    const types = CASE_TYPES[n.slug as NetworkSlug] ?? [];
    if (!types.includes(input.type)) {
      const other = Object.entries(CASE_TYPES).find(([, list]) => list.includes(input.type));
      details.push({
        field: 'type',
        message: other
          ? `${input.type} is a type of the ${other[0]} network; in ${n.slug} use one of ${types.join(', ')}`
          : `must be one of ${types.join(', ')}`,
      });
    }
    if (input.handling !== 'network' && input.handling !== 'involved')
      details.push({ field: 'handling', message: 'must be network or involved' });
    const summary = typeof input.summary === 'string' ? input.summary.trim() : '';
    if (!summary || summary.length > 10_000 || summary.includes('\u0000'))
      details.push({ field: 'summary', message: 'must be 1 to 10,000 characters' });
    const listed = await this.validCountries('countries', input.countries, details);
    if (details.length) throw new ValidationFailed(details);
    const countries = [p.country, ...listed.filter((c) => c !== p.country)];

    const at = this.clock.now();
    const caseId = randomUUID();
    const { channelId, systemMessageId } = await this.dataSource.transaction(async (m) => {
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
      const who = `${p.displayName} (${p.country})`;
      const sys = await this.messages.insertSystem(
        {
          channelId: channel.id,
          caseId,
          body: `Case ${reference} opened by ${who}.\n\nCaso ${reference} abierto por ${who}.`,
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
    // Readers' live sockets join the thread's room first, then hear about the case: in this order on every process.
    this.roomEvents.publish('rooms.join', {
      targets: this.policy.readerRooms(record),
      rooms: [rooms.channel(channelId)],
    });
    this.events.publish('realtime.emit', {
      rooms: [rooms.channel(channelId)],
      event: 'case.created',
      payload: view,
    });
    this.events.publish('realtime.emit', {
      rooms: [rooms.channel(channelId)],
      event: 'message.created',
      payload: system,
    });
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
    const details: ErrorDetail[] = [];
    if (filter.status !== undefined && !CASE_STATUSES.includes(filter.status as CaseStatus))
      details.push({ field: 'status', message: `must be one of ${CASE_STATUSES.join(', ')}` });
    if (filter.country !== undefined && !/^[A-Z]{2}$/.test(filter.country))
      details.push({ field: 'country', message: 'must be a country code such as GT' });
    if (details.length) throw new ValidationFailed(details);
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
    const details: ErrorDetail[] = [];
    let status = before.status;
    if (patch.status !== undefined) {
      if (!CASE_STATUSES.includes(patch.status as CaseStatus))
        details.push({ field: 'status', message: `must be one of ${CASE_STATUSES.join(', ')}` });
      else if (!canTransition(before.status, patch.status as CaseStatus))
        details.push({ field: 'status', message: `cannot go from ${before.status} to ${patch.status}` });
      else status = patch.status as CaseStatus;
    }
    let handling = before.handling;
    if (patch.handling !== undefined) {
      if (patch.handling !== 'network' && patch.handling !== 'involved')
        details.push({ field: 'handling', message: 'must be network or involved' });
      else handling = patch.handling;
    }
    let countries = before.countries;
    if (patch.countries !== undefined) {
      countries = await this.validCountries('countries', patch.countries, details);
      const openerCountry = before.openedBy.country;
      if (openerCountry && !countries.includes(openerCountry))
        details.push({
          field: 'countries',
          message: `must keep ${openerCountry}, the country of the officer who opened the case`,
        });
    }
    let assigneeIds = before.assignees.map((a) => a.id);
    if (patch.assignees !== undefined) {
      if (
        !Array.isArray(patch.assignees) ||
        patch.assignees.some((a) => !isUuid(a)) ||
        patch.assignees.length > 50
      ) {
        details.push({ field: 'assignees', message: 'must be a list of at most 50 user ids' });
      } else assigneeIds = [...new Set(patch.assignees)];
    }
    if (details.length) throw new ValidationFailed(details);
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
        throw invalid(
          'assignees',
          `must be officers of the network who may read the case: ${bad.join(', ')}`,
        );
    }

    const changes: string[] = [];
    const changesEs: string[] = [];
    if (status !== before.status) {
      changes.push(`Status: ${before.status} → ${status}`);
      changesEs.push(`Estado: ${STATUS_ES[before.status]} → ${STATUS_ES[status]}`);
    }
    if (handling !== before.handling) {
      changes.push(`Handling: ${HANDLING_TEXT[handling].en}`);
      changesEs.push(`Manejo: ${HANDLING_TEXT[handling].es}`);
    }
    const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (!sameSet(countries, before.countries)) {
      changes.push(`Countries: ${countries.join(', ')}`);
      changesEs.push(`Países: ${countries.join(', ')}`);
    }
    const assigneesChanged = !sameSet(
      assigneeIds,
      before.assignees.map((a) => a.id),
    );
    if (!changes.length && !assigneesChanged) return caseView(before);

    const at = this.clock.now();
    const systemId = await this.dataSource.transaction(async (m) => {
      await this.repo.lockForUpdate(id, m);
      await this.repo.update(id, { status, handling, countries, assignees: assigneeIds, at }, m);
      const record = (await this.repo.byId(id, m))!;
      if (assigneesChanged) {
        const names = record.assignees.map((a) => `${a.displayName} (${a.country ?? '—'})`).join(', ');
        changes.push(`Assigned to: ${names || 'nobody'}`);
        changesEs.push(`Asignado a: ${names || 'nadie'}`);
      }
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
      const who = `${p.displayName} (${p.country ?? '—'})`;
      const sys = await this.messages.insertSystem(
        {
          channelId: before.channelId,
          caseId: id,
          body: `Case ${before.reference} updated by ${who}:\n${changes.join('\n')}\n\nCaso ${before.reference} actualizado por ${who}:\n${changesEs.join('\n')}`,
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
    const room = rooms.channel(record.channelId);
    const readers = this.policy.readerRooms(record);
    if (handling !== before.handling || !sameSet(countries, before.countries)) {
      // Sockets that may no longer read the case leave its room before anything more is said there.
      this.roomEvents.publish('rooms.leave', { targets: [room], except: readers, rooms: [room] });
      this.roomEvents.publish('rooms.join', { targets: readers, rooms: [room] });
    }
    this.events.publish('realtime.emit', { rooms: [room], event: 'case.updated', payload: view });
    this.events.publish('realtime.emit', {
      rooms: [room],
      event: 'message.created',
      payload: system as MessageView,
    });
    return view;
  }
}
