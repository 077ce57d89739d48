import { Injectable } from '@nestjs/common';
import type { Principal } from '../accounts/principal.js';
import { NotFound } from '../common/domain-error.js';
import { ChannelAccessPolicy, type ChannelAccessFacts } from './channel-access.policy.js';
import { ChannelsRepository, type ChannelRecord } from './channels.repository.js';
import { isUuid } from './message-rules.js';

/**
 * The opening of every channel use case: load the channel for the caller, then check the read rule of
 * `ChannelAccessPolicy`. What the caller may not read is answered as not found (they may not know it exists).
 */
@Injectable()
export class ChannelAccess {
  constructor(
    private readonly channels: ChannelsRepository,
    private readonly policy: ChannelAccessPolicy,
  ) {}

  canRead(p: Principal, c: ChannelRecord): boolean {
    return this.policy.canRead(p, ChannelAccess.facts(c));
  }

  /** What the access rules need to know about a loaded channel (loaded for the caller: `isMember` is theirs). */
  static facts(c: ChannelRecord): ChannelAccessFacts {
    return {
      networkId: c.networkId,
      visibility: c.visibility,
      kind: c.kind,
      isMember: c.isMember,
      caseHandling: c.caseHandling,
      caseCountries: c.caseCountries,
    };
  }

  /** The channel when the caller may read it; null when it is unknown or unreadable. */
  async find(p: Principal, channelId: string): Promise<ChannelRecord | null> {
    if (!isUuid(channelId)) return null;
    const channel = await this.channels.load(channelId, p.id);
    return channel && this.canRead(p, channel) ? channel : null;
  }

  /** Loads a channel the caller may read; `NotFound(hidden)` otherwise (`message` when reached through a message). */
  async readable(
    p: Principal,
    channelId: string,
    hidden: 'channel' | 'message' = 'channel',
  ): Promise<ChannelRecord> {
    const channel = await this.find(p, channelId);
    if (!channel) throw new NotFound(hidden);
    return channel;
  }
}
