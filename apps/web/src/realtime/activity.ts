import type { Socket } from 'socket.io-client';
import type { Person } from '../api/types.js';

const TYPING_MS = 5000;

/**
 * Who is typing where (for a few seconds after each `typing` event) and who was last seen online (`presence`), and
 * what this client says of both: its own typing, and whose presence it watches (`presence.watch`).
 */
export class Activity {
  private typing = new Map<string, Map<string, { name: string; until: number }>>();
  private online = new Map<string, boolean>();
  private lastTyping = 0;

  constructor(
    private readonly changed: () => void,
    private readonly call: <T>(event: string, payload: unknown) => Promise<T>,
    private readonly connected: () => boolean,
  ) {}

  /** The socket's `typing` and `presence`; an access change ends the server's watches: watch again, under it. */
  listen(socket: Socket): void {
    socket.on('typing', (t: { channelId: string; user: Person }) => this.typed(t));
    socket.on('presence', (p: { user: Person; status: 'online' | 'offline' }) => this.presence(p));
    socket.on('access.updated', () => this.rewatch());
  }

  sendTyping(channelId: string): void {
    const now = Date.now();
    if (now - this.lastTyping < 2500 || !this.connected()) return;
    this.lastTyping = now;
    void this.call('typing', { channelId }).catch(() => undefined);
  }

  /** Whose presence the open screen shows; watched again after every (re)connect and access change (`rewatch`). */
  watchPresence(userIds: string[]): void {
    const ids = this.toWatch(userIds);
    if (ids) this.sendWatch(ids);
  }

  /** The server ended the watches (a new connection, an access change): the same list again. */
  rewatch(): void {
    this.sendWatch(this.watched ? this.watched.split(',') : []);
  }

  private sendWatch(userIds: string[]): void {
    if (!this.connected()) return;
    this.call<{ watching: string[]; online: string[] }>('presence.watch', { userIds }).then(
      (answer) => this.watching(answer),
      () => undefined,
    );
  }

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
  private toWatch(userIds: string[]): string[] | null {
    const ids = [...new Set(userIds)].slice(-200).sort();
    const key = ids.join(',');
    if (key === this.watched) return null;
    this.watched = key;
    return ids;
  }

  /** The answer to `presence.watch`: who of the watched users is online now. */
  private watching(answer: { watching: string[]; online: string[] }): void {
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
