import { Injectable } from '@nestjs/common';
import type { Principal } from '../accounts/principal.js';
import { DomainEvents } from '../common/domain-events.js';
import { ChannelAccessPolicy } from './channel-access.policy.js';
import { ChannelsRepository } from './channels.repository.js';
import { parseMentions } from './message-rules.js';
import type { MessageView } from './message.view.js';
import { MessagesRepository } from './messages.repository.js';

/** Mentions in a sent message: `@GT` reaches that country's officers, `@name` a person. */
@Injectable()
export class MentionsService {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly channels: ChannelsRepository,
    private readonly events: DomainEvents,
  ) {}

  /** Tells those mentioned, among those who may read the channel, with a `notification` to their own room. */
  async notify(author: Principal, message: MessageView, networkId: string): Promise<void> {
    const { countries, names } = parseMentions(message.body);
    if (!countries.length && !names.length) return;
    const channel = await this.channels.load(message.channelId, author.id);
    if (!channel) return;
    const candidates = await this.repo.mentionCandidates(networkId, channel.id, countries, names);
    const userIds = candidates
      .filter((c) => c.id !== author.id)
      .filter((c) =>
        ChannelAccessPolicy.canRead(
          {
            userId: c.id,
            staff: false,
            memberNetworkIds: [networkId],
            officerNetworkIds: c.role === 'officer' ? [networkId] : [],
            country: c.country,
          },
          {
            networkId,
            visibility: channel.visibility,
            kind: channel.kind,
            isMember: c.isMember,
            caseHandling: channel.caseHandling,
            caseCountries: channel.caseCountries,
          },
        ),
      )
      .map((c) => c.id);
    if (!userIds.length) return;
    this.events.publish('message.mentioned', { userIds, message });
  }
}
