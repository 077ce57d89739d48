import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isStaff, membershipIn, type Principal } from '../accounts/principal.js';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import {
  Conflict,
  invalid,
  NotAllowed,
  NotFound,
  ValidationFailed,
  type ErrorDetail,
} from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import {
  accessScope,
  ChannelAccessPolicy,
  type AccessScope,
  type ChannelVisibility,
} from './channel-access.policy.js';
import { ChannelAccess } from './channel-access.service.js';
import { ChannelsRepository, type ChannelListItem, type NetworkRecord } from './channels.repository.js';
import { isUuid } from './message-rules.js';

const CHANNEL_NAME = /^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_MEMBERS = 500;

export interface ChannelView extends ChannelListItem {
  network: string;
  members?: Array<{ id: string; displayName: string; country: string | null }>;
}

/** Networks and channels: listing with lastSeq and unread counts, creating, private channel members. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly repo: ChannelsRepository,
    private readonly access: ChannelAccess,
    private readonly policy: ChannelAccessPolicy,
    private readonly events: DomainEvents,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
  ) {}

  async network(slug: string): Promise<NetworkRecord> {
    const n = (await this.repo.allNetworks()).find((x) => x.slug === slug);
    if (!n) throw new NotFound('network');
    return n;
  }

  /** The caller's networks; staff, who administer every network, see both with role `staff` unless members. */
  async networks(p: Principal) {
    const all = await this.repo.allNetworks();
    return all
      .map((n) => ({ n, role: membershipIn(p, n.id)?.role ?? (isStaff(p) ? 'staff' : null) }))
      .filter((x) => x.role)
      .map(({ n, role }) => ({ slug: n.slug, name: { en: n.nameEn, es: n.nameEs }, role }));
  }

  private assertInNetwork(p: Principal, n: NetworkRecord): void {
    if (!membershipIn(p, n.id) && !isStaff(p))
      throw new NotAllowed({
        en: 'You are not a member of this network.',
        es: 'Usted no es miembro de esta red.',
      });
  }

  async list(p: Principal, slug: string): Promise<ChannelListItem[]> {
    const n = await this.network(slug);
    this.assertInNetwork(p, n);
    return this.repo.listReadable(n.id, accessScope(p));
  }

  async create(
    ctx: RequestContext,
    p: Principal,
    slug: string,
    input: { name: string; visibility: ChannelVisibility; members?: string[] },
  ): Promise<ChannelView> {
    const n = await this.network(slug);
    this.assertInNetwork(p, n);
    if (!this.policy.canCreateChannel(p, n.id))
      throw new NotAllowed({
        en: 'Only officers of the network or the Secretariat create channels.',
        es: 'Solo los oficiales de la red o la Secretaría crean canales.',
      });
    const details: ErrorDetail[] = [];
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!CHANNEL_NAME.test(name))
      details.push({
        field: 'name',
        message: 'must be 1 to 64 lowercase letters, digits, - or _, starting with a letter or digit',
        es: 'debe tener de 1 a 64 letras minúsculas, dígitos, - o _, y empezar por una letra o un dígito',
      });
    if (!['network', 'officers', 'private'].includes(input.visibility))
      details.push({
        field: 'visibility',
        message: 'must be network, officers or private',
        es: 'debe ser network, officers o private',
      });
    const requested = [...new Set(input.members ?? [])];
    if (input.members !== undefined && input.visibility !== 'private')
      details.push({
        field: 'members',
        message: 'only a private channel lists members',
        es: 'solo un canal privado tiene lista de miembros',
      });
    if (requested.some((id) => !isUuid(id)))
      details.push({
        field: 'members',
        message: 'must be user ids',
        es: 'deben ser identificadores de usuario',
      });
    if (requested.length > MAX_MEMBERS)
      details.push({
        field: 'members',
        message: `must list at most ${MAX_MEMBERS} users`,
        es: `debe tener ${MAX_MEMBERS} usuarios como máximo`,
      });
    if (details.length) throw new ValidationFailed(details);

    let memberIds: string[] = [];
    if (input.visibility === 'private') {
      const found = await this.repo.networkMembers(n.id, requested);
      const missing = requested.filter((id) => !found.some((f) => f.id === id));
      if (missing.length)
        throw invalid('members', {
          en: `must be members of the network: ${missing.join(', ')}`,
          es: `deben ser miembros de la red: ${missing.join(', ')}`,
        });
      memberIds = [...requested];
      if (membershipIn(p, n.id) && !memberIds.includes(p.id)) memberIds.unshift(p.id);
    }
    if (await this.repo.nameTaken(n.id, name))
      throw new Conflict(
        {
          en: 'A channel with this name exists in the network.',
          es: 'Ya existe un canal con ese nombre en la red.',
        },
        'CHANNEL_NAME_TAKEN',
      );
    const created = await this.dataSource
      .transaction(async (m) => {
        const row = await this.repo.insert(
          { networkId: n.id, name, visibility: input.visibility, createdBy: p.id },
          m,
        );
        await this.repo.addMembers(row.id, memberIds, m);
        await this.audit.record(
          ctx,
          {
            action: 'channel.created',
            targetType: 'channel',
            targetId: row.id,
            details: { network: n.slug, name, visibility: input.visibility, members: memberIds },
          },
          m,
        );
        return row;
      })
      .catch((e) => {
        if (e?.code === '23505')
          throw new Conflict(
            {
              en: 'A channel with this name exists in the network.',
              es: 'Ya existe un canal con ese nombre en la red.',
            },
            'CHANNEL_NAME_TAKEN',
          );
        throw e;
      });
    const view: ChannelView = {
      id: created.id,
      name,
      visibility: input.visibility,
      lastSeq: 0,
      unreadCount: 0,
      network: n.slug,
    };
    this.events.publish('channel.created', { channel: { ...view }, networkId: n.id, memberIds });
    if (input.visibility === 'private') view.members = await this.repo.members(created.id);
    return view;
  }

  private async manageable(p: Principal, channelId: string) {
    if (!isUuid(channelId)) throw new NotFound('channel');
    const channel = await this.repo.load(channelId, p.id);
    if (!channel || channel.kind !== 'channel') throw new NotFound('channel');
    const canSee = this.policy.canRead(p, { ...channel }) || isStaff(p);
    if (!canSee) throw new NotFound('channel');
    if (channel.visibility !== 'private')
      throw invalid('channelId', {
        en: 'only private channels list members',
        es: 'solo los canales privados tienen lista de miembros',
      });
    if (!this.policy.canManageMembers(p, channel.createdBy))
      throw new NotAllowed({
        en: 'Only the channel creator or the Secretariat manage its members.',
        es: 'Solo quien creó el canal o la Secretaría gestionan sus miembros.',
      });
    return channel;
  }

  async members(p: Principal, channelId: string) {
    const channel = await this.access.readable(p, channelId);
    if (channel.visibility !== 'private' || channel.kind !== 'channel') return [];
    return this.repo.members(channel.id);
  }

  async addMembers(ctx: RequestContext, p: Principal, channelId: string, userIds: string[]) {
    const channel = await this.manageable(p, channelId);
    const ids = [...new Set(userIds)];
    if (!ids.length || ids.some((id) => !isUuid(id)))
      throw invalid('userIds', {
        en: 'must be a non-empty list of user ids',
        es: 'debe ser una lista no vacía de identificadores de usuario',
      });
    const found = await this.repo.networkMembers(channel.networkId, ids);
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length)
      throw invalid('userIds', {
        en: `must be members of the network: ${missing.join(', ')}`,
        es: `deben ser miembros de la red: ${missing.join(', ')}`,
      });
    const added = await this.repo.addMembers(channel.id, ids);
    if (added.length) {
      await this.audit.record(ctx, {
        action: 'channel.members.added',
        targetType: 'channel',
        targetId: channel.id,
        details: { userIds: added },
      });
      this.events.publish('channel.members.added', { channelId: channel.id, userIds: added });
    }
    return this.repo.members(channel.id);
  }

  async removeMember(ctx: RequestContext, p: Principal, channelId: string, userId: string) {
    const channel = await this.manageable(p, channelId);
    if (!isUuid(userId) || !(await this.repo.removeMember(channel.id, userId))) throw new NotFound('member');
    await this.audit.record(ctx, {
      action: 'channel.members.removed',
      targetType: 'channel',
      targetId: channel.id,
      details: { userId },
    });
    this.events.publish('channel.members.removed', { channelId: channel.id, userId });
  }

  /** The ids of every channel (and case thread) the caller may read: the rooms of its live sockets. */
  readableChannelIds(p: Principal, scope: AccessScope = accessScope(p)): Promise<string[]> {
    return this.repo.readableIds(scope);
  }
}
