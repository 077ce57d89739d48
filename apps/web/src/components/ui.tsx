import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http.js';
import type { Network, NetworkSlug } from '../api/types.js';

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t('app.loading')}
    </p>
  );
}

/** An error a person can read; a 404 (what they may not see) says so plainly. */
export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  const notFound = error instanceof ApiError && (error.status === 404 || error.status === 403);
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div role="alert" className="error">
      <p>{notFound ? t('app.notFound') : t('app.error', { message: (error as Error).message })}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>{d.field ? `${d.field}: ${d.message}` : d.message}</li>
          ))}
        </ul>
      )}
      {onRetry && !notFound && (
        <button type="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

export function Field({
  label,
  children,
  hint,
}: {
  label: string;
  children: (id: string) => ReactNode;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint && <small className="muted">{hint}</small>}
    </div>
  );
}

export function NetworkPicker({
  networks,
  value,
  onChange,
}: {
  networks: Network[] | undefined;
  value: NetworkSlug | undefined;
  onChange: (slug: NetworkSlug) => void;
}) {
  const { t, i18n } = useTranslation();
  if (!networks || networks.length < 2) return null;
  return (
    <Field label={t('app.network')}>
      {(id) => (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value as NetworkSlug)}>
          {networks.map((n) => (
            <option key={n.slug} value={n.slug}>
              {i18n.language === 'es' ? n.name.es : n.name.en}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Country checkboxes in a labelled group. */
export function CountryChecks({
  legend,
  countries,
  value,
  onChange,
  label,
}: {
  legend: string;
  countries: readonly string[];
  value: string[];
  onChange: (v: string[]) => void;
  label: (code: string) => string;
}) {
  return (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {countries.map((c) => (
        <label key={c}>
          <input
            type="checkbox"
            checked={value.includes(c)}
            onChange={(e) => onChange(e.target.checked ? [...value, c] : value.filter((x) => x !== c))}
          />{' '}
          {label(c)} ({c})
        </label>
      ))}
    </fieldset>
  );
}
