import { DateTime, Duration } from 'luxon';

/** A reminder offset or an escalation period: an ISO 8601 duration, optionally negative (`-P1D`, `PT0S`, `-PT2S`). */
export interface SignedDuration {
  /** The text as given (normalised to upper case): it names the reminder in job ids and delivery rows. */
  text: string;
  negative: boolean;
  duration: Duration;
  /** True for a zero duration (`PT0S`, `P0D`). */
  zero: boolean;
}

const ISO_DURATION =
  /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/;

/** Parses a signed ISO 8601 duration; `undefined` when the text is not one (e.g. `P`, `PT`, `1 day`, `PT-1S`). */
export function parseSignedDuration(input: unknown): SignedDuration | undefined {
  if (typeof input !== 'string' || input.length > 40) return undefined;
  const text = input.trim().toUpperCase();
  const m = ISO_DURATION.exec(text);
  if (!m) return undefined;
  const [, minus, years, months, weeks, days, hours, minutes, seconds] = m;
  if ([years, months, weeks, days, hours, minutes, seconds].every((c) => c === undefined)) return undefined;
  if (text.includes('T') && [hours, minutes, seconds].every((c) => c === undefined)) return undefined;
  const duration = Duration.fromISO(minus ? text.slice(1) : text);
  if (!duration.isValid) return undefined;
  const zero = duration.toMillis() === 0;
  return { text: zero ? text.replace(/^-/, '') : text, negative: !!minus && !zero, duration, zero };
}

/** `dueAt` moved by the offset, on the UTC calendar (months and years keep the day of month where they can). */
export function applyOffset(dueAt: Date, offset: SignedDuration): Date {
  const due = DateTime.fromJSDate(dueAt, { zone: 'utc' });
  return (offset.negative ? due.minus(offset.duration) : due.plus(offset.duration)).toJSDate();
}

/** A reminder before dueAt is `upcoming`, at dueAt `due`, after it `overdue`. */
export function reminderKind(offset: SignedDuration): 'upcoming' | 'due' | 'overdue' {
  return offset.zero ? 'due' : offset.negative ? 'upcoming' : 'overdue';
}

/** The time of escalation number `seq` (1, 2, ...): dueAt + seq × every. */
export function escalationTime(dueAt: Date, every: SignedDuration, seq: number): Date {
  return DateTime.fromJSDate(dueAt, { zone: 'utc' })
    .plus(every.duration.mapUnits((x) => x * seq))
    .toJSDate();
}

/** Approximate length in milliseconds (months as 30 days), for bounds checks only. */
export function approximateMs(d: SignedDuration): number {
  return d.duration.toMillis();
}
