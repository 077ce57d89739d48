import { useTranslation } from 'react-i18next';
import { session } from './api/session.js';

/** The user's time zone (their account's), else the browser's. */
export function timeZone(): string {
  return session.user?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone()}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { ...options, timeZone: timeZone() })));
  return f;
}

/** Formatting in the interface language and the user's time zone. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'es' ? 'es' : 'en';
  return {
    locale,
    dateTime: (iso: string) => fmt(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    time: (iso: string) => fmt(locale, { timeStyle: 'short' }).format(new Date(iso)),
    /** A calendar date (YYYY-MM-DD) as written, not moved by time zones. */
    date: (ymd: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
        new Date(`${ymd}T00:00:00Z`),
      ),
    country: (code: string) => {
      try {
        return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

/** `datetime-local` input value (in the user's time zone) → ISO 8601 with that zone's offset. */
export function localInputToIso(value: string): string {
  const [d, t] = value.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = t.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, da, h, mi);
  // the zone's offset at that wall time (two passes settle DST edges)
  let offset = zoneOffsetMinutes(new Date(asUtc));
  offset = zoneOffsetMinutes(new Date(asUtc - offset * 60_000));
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d}T${pad(h)}:${pad(mi)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant → `datetime-local` value in the user's time zone. */
export function isoToLocalInput(iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone(),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function zoneOffsetMinutes(at: Date): number {
  const local = isoToLocalInput(at.toISOString());
  const [d, t] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = t.split(':').map(Number);
  return Math.round((Date.UTC(y, mo - 1, da, h, mi) - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}
