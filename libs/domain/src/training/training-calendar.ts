import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import type { TrainingEventRow } from './training.types.js';

export type CalendarMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

export interface CalendarOptions {
  method: CalendarMethod;
  locale: 'en' | 'es';
  publicUrl: string;
  /** The sender of invitations (MAIL_FROM), the ORGANIZER that RFC 5546 requires of a REQUEST or CANCEL. */
  organizer: { name: string; email: string };
  /** The person an invitation is for (REQUEST / CANCEL). */
  attendee?: { name: string; email: string };
  /** A feed's name (X-WR-CALNAME). */
  name?: string;
}

/** `Enlace <no-reply@example.org>` → {name, email}. */
export function parseMailbox(from: string): { name: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  if (m) return { name: m[1] || 'Enlace', email: m[2] };
  return { name: 'Enlace', email: from.trim() };
}

/** The UID of an event in every calendar this service writes: the same for every version of it. */
export const eventUid = (id: string) => `training-${id}@enlace`;

const LOCATION_ONLINE = { en: 'Online', es: 'En línea' };

/**
 * An RFC 5545 calendar of events (one for an email or `/ics`, many for a feed). Times are written in UTC (`Z`), which
 * every calendar places at the right instant; the event's own zone is named in the description. UID is stable,
 * SEQUENCE is the event's (raised by each published change), a cancelled event says STATUS:CANCELLED.
 */
export function trainingCalendar(events: TrainingEventRow[], o: CalendarOptions): string {
  const calendar = ical({
    prodId: { company: 'RCM', product: 'Enlace', language: o.locale.toUpperCase() },
    method: ICalCalendarMethod[o.method],
    ...(o.name ? { name: o.name } : {}),
  });
  for (const e of events) {
    const link = `${o.publicUrl}/training/${e.id}`;
    const cancelled = e.status === 'cancelled' || o.method === 'CANCEL';
    const where =
      'url' in e.location
        ? `${LOCATION_ONLINE[o.locale]}: ${e.location.url}`
        : `${e.location.city}, ${e.location.country}`;
    calendar.createEvent({
      id: eventUid(e.id),
      sequence: e.sequence,
      stamp: new Date(e.updatedAt),
      created: new Date(e.createdAt),
      lastModified: new Date(e.updatedAt),
      start: new Date(e.startsAt),
      end: new Date(e.endsAt),
      summary: e.title[o.locale],
      description: [e.description[o.locale], `(${e.timezone})`, link].filter(Boolean).join('\n\n'),
      location: where,
      url: 'url' in e.location ? e.location.url : link,
      status: cancelled
        ? ICalEventStatus.CANCELLED
        : e.status === 'draft'
          ? ICalEventStatus.TENTATIVE
          : ICalEventStatus.CONFIRMED,
      ...(o.method !== 'PUBLISH' ? { organizer: o.organizer } : {}),
      ...(o.attendee && o.method !== 'PUBLISH'
        ? {
            attendees: [
              {
                name: o.attendee.name,
                email: o.attendee.email,
                role: ICalAttendeeRole.REQ,
                status: cancelled ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
              },
            ],
          }
        : {}),
      x: { 'X-ENLACE-TIMEZONE': e.timezone },
    });
  }
  return calendar.toString();
}
