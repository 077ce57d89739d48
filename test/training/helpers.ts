import ICAL from 'ical.js';
import { io, type Socket } from 'socket.io-client';
import type { Http } from '../support/http.js';

export const ST = 'smuggling-trafficking';
export const CP = 'consular-protection';

/** A valid event body; `overrides` replace fields. Starts `startsInMs` from now (default 30 days). */
export function eventBody(overrides: Record<string, unknown> = {}, startsInMs = 30 * 86_400_000) {
  const start = new Date(Date.now() + startsInMs);
  return {
    networks: [ST],
    kind: 'exercise',
    title: {
      en: `Coordinated exercise ${Math.random().toString(36).slice(2, 8)}`,
      es: 'Ejercicio coordinado',
    },
    description: {
      en: 'Identifying victims of trafficking at borders.',
      es: 'Identificación de víctimas de trata en fronteras.',
    },
    sponsors: ['CA', 'US', 'MX'],
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    timezone: 'America/Mexico_City',
    location: { city: 'Ciudad de México', country: 'MX' },
    audience: 'members',
    ...overrides,
  };
}

export async function createEvent(http: Http, overrides: Record<string, unknown> = {}, startsInMs?: number) {
  const res = await http.post('/api/training-events', eventBody(overrides, startsInMs));
  if (res.status !== 201) throw new Error(`create training event: ${res.status} ${res.text}`);
  return res.body;
}

export async function publishedEvent(
  http: Http,
  overrides: Record<string, unknown> = {},
  startsInMs?: number,
) {
  const event = await createEvent(http, overrides, startsInMs);
  const res = await http.post(`/api/training-events/${event.id}/publish`);
  if (res.status !== 200) throw new Error(`publish: ${res.status} ${res.text}`);
  return res.body;
}

/** The VEVENTs of an iCalendar text, parsed by ical.js. */
export function vevents(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return { calendar: cal, events: cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)) };
}

/** A socket.io client that records every server event it receives. */
export class EventInbox {
  readonly received: Array<{ event: string; payload: any }> = [];
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: any) => {
      this.received.push({ event, payload });
      for (const w of [...this.waiters])
        if (w.check()) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve();
        }
    });
  }

  static connect(url: string, token: string): Promise<EventInbox> {
    const socket = io(url, {
      path: '/socket.io',
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 200,
    });
    const inbox = new EventInbox(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(inbox));
      socket.once('connect_error', (e) => reject(new Error(`socket connect failed: ${e.message}`)));
    });
  }

  of(event: string, match: (payload: any) => boolean = () => true) {
    return this.received.filter((r) => r.event === event && match(r.payload)).map((r) => r.payload);
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

export async function channelId(http: Http, network: string, name: string): Promise<string> {
  const res = await http.get(`/api/networks/${network}/channels`);
  if (res.status !== 200) throw new Error(`channels: ${res.status} ${res.text}`);
  const channel = res.body.find((c: any) => c.name === name);
  if (!channel) throw new Error(`no ${name} channel in ${network}`);
  return channel.id;
}

export async function messages(http: Http, channel: string): Promise<any[]> {
  const res = await http.get(`/api/channels/${channel}/messages?afterSeq=0&limit=200`);
  if (res.status !== 200) throw new Error(`messages: ${res.status} ${res.text}`);
  return res.body.messages ?? res.body;
}
