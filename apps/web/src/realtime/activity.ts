import type { Person } from '../api/types.js';

const TYPING_MS = 5000;

/** Who is typing where (for a few seconds after each `typing` event) and who was last seen online (`presence`). */
export class Activity {
  private typing = new Map<string, Map<string, { name: string; until: number }>>();
  private online = new Map<string, boolean>();

  constructor(private readonly changed: () => void) {}

  typed(t: { channelId: string; user: Person }): void {
    let map = this.typing.get(t.channelId);
    if (!map) this.typing.set(t.channelId, (map = new Map()));
    map.set(t.user.id, { name: t.user.displayName, until: Date.now() + TYPING_MS });
    this.online.set(t.user.id, true);
    this.changed();
    // the indicator goes away by itself
    setTimeout(() => this.changed(), TYPING_MS + 50);
  }

  /** The users watched (`presence.watch`), sorted, as one key. */
  private watched = '';

  /** The list to watch (at most 200, the last given first kept), or null when it is what is watched already. */
  toWatch(userIds: string[]): string[] | null {
    const ids = [...new Set(userIds)].slice(-200).sort();
    const key = ids.join(',');
    if (key === this.watched) return null;
    this.watched = key;
    return ids;
  }

  watchedIds(): string[] {
    return this.watched ? this.watched.split(',') : [];
  }

  /** The answer to `presence.watch`: who of the watched users is online now. */
  watching(answer: { watching: string[]; online: string[] }): void {
    const online = new Set(answer.online);
    for (const id of answer.watching) this.online.set(id, online.has(id));
    this.changed();
  }

  presence(p: { user: Person; status: 'online' | 'offline' }): void {
    this.online.set(p.user.id, p.status === 'online');
    this.changed();
  }

  typists(channelId: string): string[] {
    const now = Date.now();
    return [...(this.typing.get(channelId)?.values() ?? [])].filter((t) => t.until > now).map((t) => t.name);
  }

  isOnline(userId: string): boolean | undefined {
    return this.online.get(userId);
  }
}
