import { io, type Socket } from 'socket.io-client';
import type { Queue } from 'bullmq';
import { FOLLOW_UP_QUEUES, QueueFactory } from '#queue';
import type { TestApp } from '../support/app.js';
import type { Http } from '../support/http.js';

/** A UTC calendar date `days` after `from`. */
export function utcDay(days: number, from: Date = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function setPresidency(
  admin: Http,
  country: string,
  startsOn: string,
  endsOn: string,
): Promise<void> {
  const res = await admin.put('/api/admin/presidency', { country, startsOn, endsOn });
  if (res.status !== 200) throw new Error(`setting the PPT term failed: ${res.status} ${res.text}`);
}

/** Resolves when `check()` is true, re-checked every `everyMs` (for states that send no event: queues, rows). */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ReminderEvent {
  followUpId: string;
  title: string;
  dueAt: string;
  kind: 'upcoming' | 'due' | 'overdue' | 'escalation';
  country: string;
  network: string;
  reminder: string;
  /** Date.now() when the client received it. */
  receivedAt: number;
}

/** A socket.io client of one user that records every `followup.reminder` (and `followup.updated`) it receives. */
export class ReminderInbox {
  readonly events: ReminderEvent[] = [];
  /** Every `followup.updated` (the item as the API shows it). */
  readonly updates: any[] = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(readonly socket: Socket) {
    socket.on('followup.reminder', (payload: Omit<ReminderEvent, 'receivedAt'>) => {
      this.events.push({ ...payload, receivedAt: Date.now() });
      this.notify();
    });
    socket.on('followup.updated', (item: any) => {
      this.updates.push(item);
      this.notify();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  static connect(url: string, token: string): Promise<ReminderInbox> {
    const socket = io(url, {
      path: '/socket.io',
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 200,
    });
    const inbox = new ReminderInbox(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(inbox));
      socket.once('connect_error', (e) => reject(new Error(`socket connect failed: ${e.message}`)));
    });
  }

  of(followUpId: string, kind?: ReminderEvent['kind']): ReminderEvent[] {
    return this.events.filter((e) => e.followUpId === followUpId && (!kind || e.kind === kind));
  }

  waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`socket: timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Waits for every inbox to satisfy `check` (each inbox waits on its own events). */
export function allInboxes(
  inboxes: ReminderInbox[],
  check: (i: ReminderInbox) => boolean,
  what: string,
  timeoutMs?: number,
) {
  return Promise.all(inboxes.map((i) => i.waitFor(() => check(i), what, timeoutMs)));
}

export function queues(app: TestApp): QueueFactory {
  return app.runtime.app.get(QueueFactory);
}

/** The follow-up jobs (reminders, escalations, emails) not finished yet, optionally of one item. */
export async function unfinishedJobs(factory: QueueFactory | Queue[], followUpId?: string) {
  const list = Array.isArray(factory)
    ? factory
    : [factory.queue(FOLLOW_UP_QUEUES.reminders), factory.queue(FOLLOW_UP_QUEUES.emails)];
  const jobs = (
    await Promise.all(list.map((q) => q.getJobs(['active', 'waiting', 'delayed', 'prioritized'])))
  ).flat();
  return jobs.filter((j) => j && (!followUpId || (j.data as any)?.followUpId === followUpId));
}

/** Waits until the follow-up queues have nothing left to run (for an item, or at all). */
export function queuesIdle(factory: QueueFactory | Queue[], followUpId?: string, timeoutMs = 30_000) {
  return until(
    async () => (await unfinishedJobs(factory, followUpId)).length === 0,
    'the follow-up queues to drain',
    timeoutMs,
    100,
  );
}

export async function followUpChannelId(http: Http, network: string): Promise<string> {
  const res = await http.get(`/api/networks/${network}/channels`);
  if (res.status !== 200) throw new Error(`channels: ${res.status} ${res.text}`);
  const channel = res.body.find((c: any) => c.name === 'follow-up');
  if (!channel) throw new Error('no follow-up channel');
  return channel.id;
}

export async function channelMessages(http: Http, channelId: string): Promise<any[]> {
  const res = await http.get(`/api/channels/${channelId}/messages?afterSeq=0&limit=200`);
  if (res.status !== 200) throw new Error(`messages: ${res.status} ${res.text}`);
  return res.body.messages ?? res.body;
}
