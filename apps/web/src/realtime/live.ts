import { io, type Socket } from 'socket.io-client';
import { api, ApiError, newId, qs } from '../api/http.js';
import { session } from '../api/session.js';
import type { AttachmentRef, Channel, Message, Person } from '../api/types.js';
import { Activity } from './activity.js';
import { ChannelLog } from './channel-log.js';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface Pending {
  clientMessageId: string;
  channelId: string;
  body: string;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
  caseId?: string;
  /** Files uploaded first (POST /channels/:id/attachments), shown with the pending message. */
  attachments?: AttachmentRef[];
}

export interface Mention {
  messageId: string;
  channelId: string;
  caseId: string | null;
  author: Person | null;
  at: number;
}

interface ChannelMeta {
  lastSeq: number;
  readSeq: number;
}

const PAGE = 50;

/**
 * The live side of the client: one socket.io connection per session, the message logs of the channels the user
 * has opened, unread counts, typing, presence and mentions. Catch-up is by `sync` after every (re)connect, and by
 * seq whenever a message arrives past the next expected seq, so each message is shown once and none is lost.
 */
class Live {
  status: ConnectionStatus = 'offline';
  /** Bumped on every change; components re-render from it (useSyncExternalStore). */
  version = 0;
  private socket: Socket | null = null;
  private logs = new Map<string, ChannelLog>();
  private meta = new Map<string, ChannelMeta>();
  private outbox = new Map<string, Pending>();
  /** Typing and presence: `live.activity.sendTyping`, `.typists`, `.isOnline`, `.watchPresence`. */
  readonly activity = new Activity(
    () => this.changed(),
    (event, payload) => this.call(event, payload),
    () => this.status === 'online',
  );
  private fetching = new Map<string, Promise<void>>();
  private listeners = new Set<() => void>();
  private handlers = new Map<string, Set<(payload: any) => void>>();
  mentions: Mention[] = [];
  private viewing = new Set<string>();
  private readTimers = new Map<string, number>();

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }

  /** Other screens' events (cases, follow-ups, access changes). */
  on(event: string, fn: (payload: any) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  private fire(event: string, payload: unknown): void {
    for (const fn of this.handlers.get(event) ?? []) fn(payload);
  }

  start(): void {
    if (this.socket) return;
    const socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      auth: (cb) => cb({ token: session.accessToken ?? '' }),
      reconnectionDelay: 300,
      reconnectionDelayMax: 3000,
      autoConnect: false,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.status = 'online';
      this.changed();
      void this.afterConnect();
    });
    socket.on('disconnect', (reason) => {
      this.status = 'offline';
      this.changed();
      // the server ends a connection when its token expires or the session is revoked: refresh, then come back
      if (reason === 'io server disconnect') void this.reauthenticate();
    });
    socket.on('connect_error', (err) => {
      this.status = 'offline';
      this.changed();
      if (err.message === 'UNAUTHORIZED') void this.reauthenticate();
      // MFA_REQUIRED: no live connection until a second factor is set up (the app shows the security screen)
      if (err.message === 'MFA_ENROLMENT_REQUIRED') {
        this.stop();
        session.requireEnrolment();
      }
      // the server could not check the token (its database is restarting): the token is fine, come back shortly
      if (err.message === 'SERVICE_UNAVAILABLE') setTimeout(() => this.connect(), 3000);
    });
    // The API process is stopping: it closes this connection next, as a lost transport, and socket.io reconnects on
    // its own (through the load balancer, to another process); `afterConnect` then catches up and resends the outbox.
    socket.on('server.draining', () => {
      this.status = 'connecting';
      this.changed();
    });
    socket.on('message.created', (m: Message) => this.receive([m]));
    socket.on('message.updated', (m: Message) => this.replace(m));
    socket.on('message.deleted', (m: Message) => this.replace(m));
    socket.on('message.acked', (a) => this.fire('message.acked', a));
    this.activity.listen(socket);
    socket.on('notification', (n: Mention & { kind: string }) => {
      if (n.kind !== 'mention') return;
      this.mentions = [{ ...n, at: Date.now() }, ...this.mentions].slice(0, 20);
      this.changed();
    });
    for (const event of [
      'case.created',
      'case.updated',
      'followup.updated',
      'followup.reminder',
      'channel.created',
      'access.updated',
      'training.published',
      'training.updated',
      'training.cancelled',
      'training.registration',
      'sheet.published',
    ]) {
      socket.on(event, (payload: unknown) => this.fire(event, payload));
    }
    window.addEventListener('offline', this.goOffline);
    window.addEventListener('online', this.goOnline);
    if (navigator.onLine) this.connect();
  }

  stop(): void {
    window.removeEventListener('offline', this.goOffline);
    window.removeEventListener('online', this.goOnline);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.logs.clear();
    this.meta.clear();
    this.outbox.clear();
    this.mentions = [];
    this.status = 'offline';
    this.changed();
  }

  private connect(): void {
    if (!this.socket || this.socket.connected) return;
    this.status = 'connecting';
    this.changed();
    this.socket.connect();
  }

  /** The browser says the network is gone: close at once (a half-open socket would hide it) and wait for it. */
  private goOffline = (): void => {
    this.socket?.disconnect();
    this.status = 'offline';
    this.changed();
  };

  private goOnline = (): void => this.connect();

  private async reauthenticate(): Promise<void> {
    if (await session.refresh()) this.connect();
  }

  private async afterConnect(): Promise<void> {
    this.activity.rewatch();
    await this.catchUp();
    for (const p of [...this.outbox.values()]) void this.deliver(p);
    this.fire('reconnected', null);
  }

  /** Emits a client event and resolves with its data; an error answer rejects with ApiError. */
  async call<T>(event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
    const socket = this.socket;
    if (!socket?.connected) throw new ApiError(0, 'OFFLINE', 'Not connected.');
    const answer = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as {
      ok: boolean;
      data?: T;
      error?: { code: string; message: string };
    };
    if (!answer.ok) throw new ApiError(400, answer.error?.code ?? 'ERROR', answer.error?.message ?? '');
    return answer.data as T;
  }

  // ---- channels, unread counts ------------------------------------------------------------------------------

  /** Channel lists from REST set what the server knows: last seq and read cursor. */
  setChannels(channels: Array<Pick<Channel, 'id' | 'lastSeq' | 'unreadCount'>>): void {
    for (const c of channels) {
      const m = this.meta.get(c.id);
      const lastSeq = Math.max(m?.lastSeq ?? 0, c.lastSeq);
      this.meta.set(c.id, { lastSeq, readSeq: Math.max(m?.readSeq ?? 0, c.lastSeq - c.unreadCount) });
    }
    this.changed();
  }

  unread(channelId: string): number {
    const m = this.meta.get(channelId);
    return m ? Math.max(0, m.lastSeq - m.readSeq) : 0;
  }

  private bumpMeta(m: Message): void {
    const meta = this.meta.get(m.channelId) ?? { lastSeq: 0, readSeq: 0 };
    meta.lastSeq = Math.max(meta.lastSeq, m.seq);
    if (m.author?.id === session.user?.id) meta.readSeq = Math.max(meta.readSeq, m.seq);
    this.meta.set(m.channelId, meta);
    if (this.viewing.has(m.channelId)) this.markRead(m.channelId);
  }

  /** The user is looking at this channel: it is read up to its last message. */
  view(channelId: string): () => void {
    this.viewing.add(channelId);
    this.markRead(channelId);
    return () => this.viewing.delete(channelId);
  }

  private markRead(channelId: string): void {
    const meta = this.meta.get(channelId);
    const log = this.logs.get(channelId);
    const seq = Math.max(meta?.lastSeq ?? 0, log?.lastSeq ?? 0);
    if (!seq || (meta && meta.readSeq >= seq)) return;
    this.meta.set(channelId, { lastSeq: seq, readSeq: seq });
    window.clearTimeout(this.readTimers.get(channelId));
    this.readTimers.set(
      channelId,
      window.setTimeout(() => void this.call('channel.read', { channelId, seq }).catch(() => undefined), 300),
    );
  }

  // ---- message logs -----------------------------------------------------------------------------------------

  log(channelId: string): ChannelLog | undefined {
    return this.logs.get(channelId);
  }

  pending(channelId: string): Pending[] {
    return [...this.outbox.values()].filter((p) => p.channelId === channelId);
  }

  /** Loads the latest page of a channel (once; later messages come live). */
  async open(channelId: string): Promise<void> {
    if (this.logs.get(channelId)?.loaded) return;
    const page = await api.get<Message[]>(`/channels/${channelId}/messages${qs({ limit: PAGE })}`);
    const log = new ChannelLog();
    log.reset(page);
    this.logs.set(channelId, log);
    if (page.length) this.bumpMeta(page[page.length - 1]);
    this.changed();
    // anything stored between the page and the socket's room join comes through sync
    if (this.status === 'online') await this.fetchAfter(channelId, log.lastSeq);
  }

  async loadOlder(channelId: string): Promise<void> {
    const log = this.logs.get(channelId);
    if (!log?.hasOlder || !log.firstSeq) return;
    const page = await api.get<Message[]>(
      `/channels/${channelId}/messages${qs({ beforeSeq: log.firstSeq, limit: PAGE })}`,
    );
    log.prepend(page);
    this.changed();
  }

  private receive(messages: Message[]): void {
    const gaps: Array<[string, number]> = [];
    for (const m of messages) {
      this.bumpMeta(m);
      this.outbox.delete(m.clientMessageId ?? '');
      const log = this.logs.get(m.channelId);
      if (!log?.loaded) continue;
      const gap = log.merge([m]);
      if (gap !== null) gaps.push([m.channelId, gap]);
    }
    this.changed();
    for (const [channelId, after] of gaps) void this.fetchAfter(channelId, after);
  }

  private replace(m: Message): void {
    const log = this.logs.get(m.channelId);
    if (log?.update(m.id, () => m)) this.changed();
  }

  /** What a channel misses after `seq`, through `sync`; one fetch per channel at a time. */
  private fetchAfter(channelId: string, seq: number): Promise<void> {
    const running = this.fetching.get(channelId);
    if (running) return running.then(() => this.fetchAfterIfGap(channelId));
    const work = this.syncCursors({ [channelId]: seq }).finally(() => this.fetching.delete(channelId));
    this.fetching.set(channelId, work);
    return work;
  }

  private async fetchAfterIfGap(channelId: string): Promise<void> {
    const log = this.logs.get(channelId);
    const gap = log?.merge([]);
    if (log && gap !== null && gap !== undefined) await this.fetchAfter(channelId, gap);
  }

  /** After a (re)connect: every open channel from its last seq. */
  async catchUp(): Promise<void> {
    const cursors: Record<string, number> = {};
    for (const [id, log] of this.logs) if (log.loaded) cursors[id] = log.lastSeq;
    if (Object.keys(cursors).length) await this.syncCursors(cursors);
  }

  private async syncCursors(cursors: Record<string, number>): Promise<void> {
    let current = { ...cursors };
    for (let round = 0; round < 100; round++) {
      let answer: { messages: Message[]; complete: boolean };
      try {
        answer = await this.call('sync', { cursors: current });
      } catch {
        return; // offline again: the next connect catches up
      }
      const first = new Map<string, number>();
      for (const m of answer.messages)
        first.set(m.channelId, Math.min(first.get(m.channelId) ?? m.seq, m.seq));
      for (const [channelId, seq] of first)
        this.logs.get(channelId)?.skipAbsent(current[channelId] ?? 0, seq);
      this.receive(answer.messages);
      if (answer.complete) return;
      current = { ...current };
      for (const m of answer.messages) current[m.channelId] = Math.max(current[m.channelId] ?? 0, m.seq);
    }
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  /** Sends a message; while offline it waits in the outbox and goes (with the same clientMessageId) on reconnect. */
  send(input: Omit<Pending, 'clientMessageId'>): void {
    const p: Pending = { ...input, clientMessageId: newId() };
    this.outbox.set(p.clientMessageId, p);
    this.changed();
    void this.deliver(p);
  }

  private async deliver(p: Pending): Promise<void> {
    if (this.status !== 'online') return;
    try {
      const m = await this.call<Message>('message.send', {
        channelId: p.channelId,
        body: p.body,
        clientMessageId: p.clientMessageId,
        priority: p.priority,
        requestAck: p.requestAck,
        ...(p.caseId ? { caseId: p.caseId } : {}),
        ...(p.attachments?.length ? { attachmentIds: p.attachments.map((a) => a.id) } : {}),
      });
      this.receive([m]);
    } catch (e) {
      if (e instanceof ApiError && e.code !== 'OFFLINE') {
        this.outbox.delete(p.clientMessageId);
        this.changed();
        this.fire('send.failed', { pending: p, error: e });
      }
    }
  }

  edit(id: string, body: string): Promise<Message> {
    return this.call<Message>('message.edit', { id, body }).then((m) => {
      this.replace(m);
      return m;
    });
  }

  remove(id: string): Promise<Message> {
    return this.call<Message>('message.delete', { id }).then((m) => {
      this.replace(m);
      return m;
    });
  }

  ack(id: string): Promise<unknown> {
    return this.call('message.ack', { id });
  }

  dismissMention(messageId: string): void {
    this.mentions = this.mentions.filter((m) => m.messageId !== messageId);
    this.changed();
  }
}

export const live = new Live();
