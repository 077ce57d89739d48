import { DateTime, IANAZone } from 'luxon';

export type DigestFrequency = 'daily' | 'weekly';
export const FREQUENCIES: DigestFrequency[] = ['daily', 'weekly'];
export const DAILY_OR_WEEKLY = { en: 'must be daily or weekly', es: 'debe ser daily o weekly' };
/** Weekly digests go out on Mondays (ISO weekday 1) at the subscriber's hour. */
export const WEEKLY_WEEKDAY = 1;

export function isTimezone(zone: unknown): zone is string {
  return typeof zone === 'string' && zone.length <= 64 && IANAZone.isValidZone(zone);
}

/** The local clock of a time zone at an instant (luxon: daylight-saving time included). */
export function localTime(at: Date, zone: string): DateTime {
  return DateTime.fromJSDate(at, { zone });
}

/**
 * Whether a subscriber with this hour, zone and frequency is due at `at`, and the period the digest of that moment
 * belongs to. Due means: the local hour is `hour` (and, weekly, it is Monday). A local hour that a spring-forward
 * skips (e.g. 02:00 on the day clocks jump to 03:00) is served at the hour after it, so nobody loses a day.
 */
export function dueSlot(
  at: Date,
  zone: string,
  hour: number,
  frequency: DigestFrequency,
): { due: boolean; period: string } {
  const local = localTime(at, zone);
  const period = periodKey(frequency, local);
  if (frequency === 'weekly' && local.weekday !== WEEKLY_WEEKDAY) return { due: false, period };
  if (local.hour === hour) return { due: true, period };
  const skipped = !hourExists(local, hour) && local.hour === hour + 1;
  return { due: skipped, period };
}

function hourExists(local: DateTime, hour: number): boolean {
  const candidate = local.set({ hour, minute: 0, second: 0, millisecond: 0 });
  return candidate.hour === hour;
}

/** `daily/<local date>` or `weekly/<ISO week>`: one digest per subscriber and period. */
export function periodKey(frequency: DigestFrequency, local: DateTime): string {
  return frequency === 'daily' ? `daily/${local.toISODate()}` : `weekly/${local.toFormat("kkkk-'W'WW")}`;
}

/** A daily digest covers the 24 hours before it is sent, a weekly one the 7 days. */
export function coveredWindow(frequency: DigestFrequency, at: Date): { from: Date; to: Date } {
  const days = frequency === 'daily' ? 1 : 7;
  return { from: new Date(at.getTime() - days * 86_400_000), to: at };
}

/**
 * The (zone, hour) pairs due at `at` among the given zones: the digest cycle asks for these subscribers only.
 * Hours are checked one by one so a skipped local hour (spring forward) is included too.
 */
export function dueHours(
  at: Date,
  zones: string[],
  frequency: DigestFrequency,
): Array<{ zone: string; hours: number[]; period: string }> {
  const out: Array<{ zone: string; hours: number[]; period: string }> = [];
  for (const zone of zones) {
    if (!isTimezone(zone)) continue;
    const hours: number[] = [];
    let period = '';
    for (let h = 0; h < 24; h++) {
      const slot = dueSlot(at, zone, h, frequency);
      period = slot.period;
      if (slot.due) hours.push(h);
    }
    if (hours.length) out.push({ zone, hours, period });
  }
  return out;
}
