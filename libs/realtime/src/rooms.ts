import { isStaff, type CaseAccessFacts, type ChannelVisibility, type Principal } from '#domain';

/**
 * At most this many entries are kept by each of `shared` and `sharedValue` (then each starts afresh: sharing is an
 * economy, not a rule).
 */
const SHARED_MAX = 100_000;
const sharedTexts = new Map<string, string>();
const sharedValues = new Map<string, unknown>();

function intern<T>(table: Map<string, T>, key: string, make: () => T): T {
  const known = table.get(key);
  if (known !== undefined) return known;
  if (table.size >= SHARED_MAX) table.clear();
  const value = make();
  table.set(key, value);
  return value;
}

/**
 * One string per room name (or other short text), however many sockets hold it: the adapter keeps each socket's
 * room names, and a channel's name built anew for each of its sockets costs every socket ~64 bytes per room
 * (bench:sockets).
 */
export const shared = (text: string): string => intern(sharedTexts, text, () => text);

/** One instance per key, made once by `make`, for what many sockets hold alike (never mutate it: freeze it). */
export const sharedValue = <T>(key: string, make: () => T): T => intern(sharedValues, key, make) as T;

/** socket.io room names: decided here and nowhere else. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  channel: (channelId: string) => shared(`channel:${channelId}`),
  /** Every member of a network (officers and observers). */
  network: (networkId: string) => shared(`network:${networkId}`),
  officers: (networkId: string) => shared(`officers:${networkId}`),
  officersOf: (networkId: string, country: string) => shared(`officers:${networkId}:${country}`),
  staff: 'staff',
  /** The sockets watching a user's presence (`presence.watch`). */
  presence: (userId: string) => shared(`presence:${userId}`),
};

export const isPresenceRoom = (room: string): boolean => room.startsWith('presence:');

/** The rooms a socket of this user belongs to besides its channels: they let new channels and cases reach it. */
export function audienceRooms(p: Principal): string[] {
  const out = [rooms.user(p.id)];
  if (isStaff(p)) out.push(rooms.staff);
  for (const m of p.memberships) {
    out.push(rooms.network(m.networkId));
    if (m.role === 'officer') {
      out.push(rooms.officers(m.networkId));
      if (p.country) out.push(rooms.officersOf(m.networkId, p.country));
    }
  }
  return out;
}

/** Every room of a live socket: its audiences and each channel its user may read. */
export function socketRooms(p: Principal, readableChannelIds: string[]): string[] {
  return [...audienceRooms(p), ...readableChannelIds.map(rooms.channel)];
}

/** The rooms holding exactly the sockets that may read a case (DOMAIN.md "Handling of case information"). */
export function caseReaderRooms(c: CaseAccessFacts): string[] {
  return c.handling === 'network'
    ? [rooms.officers(c.networkId)]
    : c.countries.map((country) => rooms.officersOf(c.networkId, country));
}

/** The rooms holding the sockets that may read a new channel (the channel read rule of ChannelAccessPolicy). */
export function channelAudienceRooms(
  visibility: ChannelVisibility,
  networkId: string,
  memberIds: string[],
): string[] {
  if (visibility === 'network') return [rooms.network(networkId), rooms.staff];
  if (visibility === 'officers') return [rooms.officers(networkId)];
  return memberIds.map(rooms.user);
}
