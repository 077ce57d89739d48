import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config';
import { DomainEvents } from '../common/domain-events.js';
import { ChannelAccessPolicy } from '../messaging/channel-access.policy.js';
import { normalizeName, parseMentions } from '../messaging/message-rules.js';
import { DELIVERY_LEASE_SECONDS } from './digest-cycle.service.js';
import { DigestJobQueue, DigestMail, Presence } from './digest.ports.js';
import {
  MissedMessagesRepository,
  type MissedMessagePlace,
  type Reader,
} from './missed-messages.repository.js';

/** Whether a message concerns this reader: urgent, or it mentions them (`@GT` for their country, `@name`). */
export function concerns(
  m: { priority: string; body: string; authorId: string | null },
  r: Pick<Reader, 'id' | 'country' | 'displayName' | 'email'>,
): boolean {
  if (m.authorId === r.id) return false;
  if (m.priority === 'urgent') return true;
  const { countries, names } = parseMentions(m.body);
  if (r.country && countries.includes(r.country)) return true;
  return names.includes(normalizeName(r.displayName)) || names.includes(normalizeName(r.email.split('@')[0]));
}

/**
 * The missed-message email (API.md): an officer with no live socket who is mentioned or gets an urgent message in a
 * channel or case thread they read, and has not read it MISSED_MESSAGE_DELAY later, gets one email per channel or
 * thread: its name or the case reference, the count and a link, never the content.
 *
 * Stored messages are watched through the domain event published after the insert; a message that may concern
 * someone (urgent, or with an `@`) gets one delayed check job (id per message). The check finds the readers, drops
 * those who read it or have a live socket, and sends each one email covering every such message of that channel not
 * read nor covered by an earlier email (a later message's check then finds it covered).
 */
@Injectable()
export class MissedMessagesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('MissedMessages');
  private off?: () => void;

  constructor(
    private readonly repo: MissedMessagesRepository,
    private readonly events: DomainEvents,
    private readonly jobs: DigestJobQueue,
    private readonly presence: Presence,
    private readonly mail: DigestMail,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.off = this.events.on('message.created', ({ message: m }) => {
      if (!m?.author || (m.priority !== 'urgent' && !m.body?.includes('@'))) return;
      this.jobs
        .addMissedMessageCheck(m.id, this.config.missedMessageDelayMs)
        .catch((e) =>
          this.logger.warn(`queueing the missed-message check of ${m.id}: ${String(e?.message ?? e)}`),
        );
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }

  /** Runs the delayed check of one message; returns how many emails were sent. */
  async check(messageId: string): Promise<number> {
    const message = await this.repo.message(messageId);
    if (!message || message.deleted || !message.authorId) return 0;
    const place = await this.repo.place(message.channelId);
    if (!place) return 0;
    const { countries, names } = parseMentions(message.body);
    const everyone = message.priority === 'urgent';
    if (!everyone && !countries.length && !names.length) return 0;
    const readers = (
      await this.repo.officers(place.networkId, place.channelId, { everyone, countries, names })
    )
      .filter((r) => this.mayRead(r, place))
      .filter((r) => r.cursor < message.seq && concerns(message, r));
    if (!readers.length) return 0;
    const online = await this.presence.onlineAmong(readers.map((r) => r.id));
    let sent = 0;
    const failures: string[] = [];
    for (const reader of readers.filter((r) => !online.has(r.id))) {
      try {
        if (await this.notify(reader, place, message.seq)) sent++;
      } catch (error) {
        failures.push(`${reader.id}: ${(error as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`${failures.length} missed-message email(s) failed: ${failures[0]}`);
    return sent;
  }

  private mayRead(r: Reader, place: MissedMessagePlace): boolean {
    return ChannelAccessPolicy.canRead(
      {
        userId: r.id,
        staff: false,
        memberNetworkIds: [place.networkId],
        officerNetworkIds: r.role === 'officer' ? [place.networkId] : [],
        country: r.country,
      },
      {
        networkId: place.networkId,
        visibility: place.visibility,
        kind: place.kind,
        isMember: r.isMember,
        caseHandling: place.caseHandling,
        caseCountries: place.caseCountries,
      },
    );
  }

  private async notify(reader: Reader, place: MissedMessagePlace, seq: number): Promise<boolean> {
    const last = await this.repo.latest(reader.id, place.channelId);
    let upTo: number;
    let count: number;
    if (last && last.upToSeq >= seq) {
      if (last.state === 'sent') return false;
      ({ upToSeq: upTo, count } = last); // a claim left by a worker that died: send it again
    } else {
      const after = Math.max(reader.cursor, last?.upToSeq ?? 0);
      const mine = (await this.repo.candidates(place.channelId, after)).filter((m) => concerns(m, reader));
      if (!mine.length) return false;
      upTo = mine[mine.length - 1].seq;
      count = mine.length;
    }
    if (!(await this.repo.claim(reader.id, place.channelId, upTo, count, DELIVERY_LEASE_SECONDS)))
      return false;
    const url = this.config.publicUrl;
    try {
      await this.mail.sendMissedMessages({
        to: reader.email,
        locale: reader.locale,
        recipientName: reader.displayName,
        messageId: `missed.${reader.id}.${place.channelId}.${upTo}`,
        place:
          place.kind === 'case'
            ? { kind: 'case', label: place.caseReference ?? '', network: place.networkName }
            : { kind: 'channel', label: place.name, network: place.networkName },
        count,
        link: place.kind === 'case' ? `${url}/cases/${place.caseId}` : `${url}/channels/${place.channelId}`,
      });
      await this.repo.sent(reader.id, place.channelId, upTo);
      return true;
    } catch (error) {
      await this.repo.release(reader.id, place.channelId, upTo).catch(() => undefined);
      throw error;
    }
  }
}
