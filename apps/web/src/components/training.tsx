import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.js';
import type { Bilingual, Me, TrainingEvent } from '../api/types.js';
import { timeZone } from '../format.js';

/** Who may create, edit, publish and cancel (the API decides; this only picks what to show). */
export function mayEditTraining(u: Me | null): boolean {
  return !!u && (u.presidency || u.roles.some((r) => r === 'admin' || r === 'secretariat'));
}

/** A bilingual text in the interface language. */
export function useBilingual(): (b: Bilingual) => string {
  const { i18n } = useTranslation();
  return (b) => (i18n.language === 'es' ? b.es || b.en : b.en || b.es);
}

/** A date and time in a given zone (the user's unless told), in the interface language. */
export function useZoned() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'es' ? 'es' : 'en';
  return (iso: string, zone = timeZone(), withZone = false) =>
    new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: zone,
    }).format(new Date(iso)) + (withZone ? ` (${zone})` : '');
}

/** An instant as a `datetime-local` value on the wall clock of `zone`. */
export function wallClock(iso: string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
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

/** The calendar day (YYYY-MM-DD) of an instant in the user's zone. */
export function localDay(iso: string): string {
  return wallClock(iso, timeZone()).slice(0, 10);
}

/** The API's messages for one field (and its sub-fields), shown at that field. */
export function fieldErrors(error: unknown, field: string, exact = false): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.details
    .filter(
      (d) =>
        d.field === field ||
        (!exact && (d.field?.startsWith(`${field}.`) || d.field?.startsWith(`${field}[`))),
    )
    .map((d) => (d.field === field ? d.message : `${d.field}: ${d.message}`));
}

export function FieldErrors({ id, messages }: { id: string; messages: string[] }) {
  if (!messages.length) return null;
  return (
    <span id={id} className="field-error" role="alert">
      {messages.join(' · ')}
    </span>
  );
}

export function StatusBadge({ event }: { event: Pick<TrainingEvent, 'status'> }) {
  const { t } = useTranslation();
  return <span className={`badge t-${event.status}`}>{t(`training.status.${event.status}`)}</span>;
}
