import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/http.js';
import type { AccountDigest, NetworkSlug } from '../api/types.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { useLoad } from '../hooks.js';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/** The API's field errors, by field name (`details[].field`). */
function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) for (const d of error.details) if (d.field) out[d.field] = d.message;
  return out;
}

/** The signed-in account's email digest: on or off, daily or weekly, the local hour, the time zone, the networks. */
export default function DigestSettings() {
  const { t, i18n } = useTranslation();
  const loaded = useLoad(
    () =>
      Promise.all([
        api.get<AccountDigest>('/me/digest'),
        api.get<Array<{ slug: NetworkSlug; name: { en: string; es: string } }>>('/networks'),
      ]),
    [],
  );
  const [form, setForm] = useState<AccountDigest | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (loaded.data) setForm(loaded.data[0]);
  }, [loaded.data]);

  if (loaded.error) return <ErrorNote error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data || !form) return <Loading />;
  const networks = loaded.data[1];
  const errors = fieldErrors(error);
  const update = (patch: Partial<AccountDigest>) => {
    setSaved(false);
    setForm({ ...form, ...patch });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      setForm(await api.put<AccountDigest>('/me/digest', form));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const hint = (field: string) =>
    errors[field] ? (
      <small id={`digest-${field}-error`} className="field-error" role="alert">
        {errors[field]}
      </small>
    ) : null;
  const described = (field: string) => (errors[field] ? `digest-${field}-error` : undefined);

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('digest.title')}</h1>
      <p className="muted">{t('digest.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => update({ enabled: e.target.checked })}
            />{' '}
            {t('digest.enabled')}
          </label>
          {hint('enabled')}
        </div>
        <fieldset className="checks" aria-describedby={described('frequency')}>
          <legend>{t('digest.frequency')}</legend>
          {(['daily', 'weekly'] as const).map((f) => (
            <label key={f}>
              <input
                type="radio"
                name="frequency"
                value={f}
                checked={form.frequency === f}
                onChange={() => update({ frequency: f })}
              />{' '}
              {t(`digest.${f}`)}
            </label>
          ))}
          {hint('frequency')}
        </fieldset>
        <div className="field">
          <label htmlFor="digest-hour">{t('digest.hour')}</label>
          <select
            id="digest-hour"
            value={form.hour}
            aria-invalid={!!errors.hour}
            aria-describedby={described('hour')}
            onChange={(e) => update({ hour: Number(e.target.value) })}
          >
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {`${String(h).padStart(2, '0')}:00`}
              </option>
            ))}
          </select>
          {hint('hour')}
        </div>
        <div className="field">
          <label htmlFor="digest-timezone">{t('digest.timezone')}</label>
          <input
            id="digest-timezone"
            list="digest-zones"
            value={form.timezone ?? ''}
            placeholder={t('digest.accountZone')}
            aria-invalid={!!errors.timezone}
            aria-describedby={described('timezone') ?? 'digest-timezone-help'}
            onChange={(e) => update({ timezone: e.target.value.trim() || null })}
          />
          <datalist id="digest-zones">
            {zones().map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <small id="digest-timezone-help" className="muted">
            {t('digest.timezoneHelp')}
          </small>
          {hint('timezone')}
        </div>
        <fieldset className="checks" aria-describedby={described('networks')}>
          <legend>{t('digest.networks')}</legend>
          {networks.map((n) => (
            <label key={n.slug}>
              <input
                type="checkbox"
                checked={form.networks.includes(n.slug)}
                onChange={(e) =>
                  update({
                    networks: e.target.checked
                      ? [...form.networks, n.slug]
                      : form.networks.filter((s) => s !== n.slug),
                  })
                }
              />{' '}
              {i18n.language === 'es' ? n.name.es : n.name.en}
            </label>
          ))}
          {hint('networks')}
        </fieldset>
        {error && Object.keys(errors).length === 0 ? <ErrorNote error={error} /> : null}
        {saved && (
          <p role="status" className="ok">
            {t('digest.saved')}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('app.save')}
        </button>
      </form>
    </main>
  );
}
