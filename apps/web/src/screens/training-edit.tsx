import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api/http.js';
import { TRAINING_KINDS, type NetworkSlug, type TrainingEventDetail } from '../api/types.js';
import { fieldErrors, FieldErrors, wallClock } from '../components/training.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { timeZone } from '../format.js';
import { loadNetworks, useLoad } from '../hooks.js';

interface Form {
  networks: NetworkSlug[];
  kind: string;
  titleEn: string;
  titleEs: string;
  descriptionEn: string;
  descriptionEs: string;
  sponsors: string;
  startsAt: string;
  endsAt: string;
  timezone: string;
  mode: 'place' | 'online';
  city: string;
  country: string;
  url: string;
  capacity: string;
  deadline: string;
  audience: string;
}

const EMPTY: Form = {
  networks: [],
  kind: 'course',
  titleEn: '',
  titleEs: '',
  descriptionEn: '',
  descriptionEs: '',
  sponsors: '',
  startsAt: '',
  endsAt: '',
  timezone: '',
  mode: 'place',
  city: '',
  country: '',
  url: '',
  capacity: '',
  deadline: '',
  audience: 'officers',
};

function fromEvent(e: TrainingEventDetail): Form {
  return {
    networks: e.networks,
    kind: e.kind,
    titleEn: e.title.en,
    titleEs: e.title.es,
    descriptionEn: e.description.en,
    descriptionEs: e.description.es,
    sponsors: e.sponsors.join(', '),
    startsAt: wallClock(e.startsAt, e.timezone),
    endsAt: wallClock(e.endsAt, e.timezone),
    timezone: e.timezone,
    mode: e.location.url ? 'online' : 'place',
    city: e.location.city ?? '',
    country: e.location.country ?? '',
    url: e.location.url ?? '',
    capacity: e.capacity === null ? '' : String(e.capacity),
    deadline: e.registrationDeadline ? wallClock(e.registrationDeadline, e.timezone) : '',
    audience: e.audience,
  };
}

/** The request body: times are wall-clock times in the event's zone (the API places them). */
function toBody(f: Form, editing: boolean) {
  return {
    networks: f.networks,
    kind: f.kind,
    title: { en: f.titleEn, es: f.titleEs },
    description: { en: f.descriptionEn, es: f.descriptionEs },
    sponsors: f.sponsors
      .split(/[,\s]+/)
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    startsAt: f.startsAt,
    endsAt: f.endsAt,
    timezone: f.timezone,
    location: f.mode === 'online' ? { url: f.url } : { city: f.city, country: f.country.toUpperCase() },
    ...(f.capacity ? { capacity: Number(f.capacity) } : editing ? { capacity: null } : {}),
    ...(f.deadline ? { registrationDeadline: f.deadline } : editing ? { registrationDeadline: null } : {}),
    audience: f.audience,
  };
}

/** The PPT's editor: a new draft, or a change to an event (a published one's change reaches its registrants). */
export default function TrainingEdit() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const networks = useLoad(loadNetworks, []);
  const existing = useLoad(
    () => (id ? api.get<TrainingEventDetail>(`/training-events/${id}`) : Promise.resolve(undefined)),
    [id],
  );
  const [form, setForm] = useState<Form>(() => ({ ...EMPTY, timezone: timeZone() }));
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (existing.data) setForm(fromEvent(existing.data));
  }, [existing.data]);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setSaving(true);
    try {
      const saved = id
        ? await api.patch<TrainingEventDetail>(`/training-events/${id}`, toBody(form, true))
        : await api.post<TrainingEventDetail>('/training-events', toBody(form, false));
      navigate(`/training/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  if (id && existing.error) {
    return (
      <main id="main" tabIndex={-1}>
        <ErrorNote error={existing.error} />
      </main>
    );
  }
  if ((id && !existing.data) || !networks.data) {
    return (
      <main id="main" tabIndex={-1}>
        <Loading />
      </main>
    );
  }
  const text = (name: keyof Form, label: string, field: string, props: Record<string, unknown> = {}) => (
    <Row label={label} field={field} error={error}>
      {(fid, describedBy) => (
        <input
          id={fid}
          aria-describedby={describedBy}
          aria-invalid={!!describedBy}
          value={form[name] as string}
          onChange={(e) => set(name, e.target.value as never)}
          {...props}
        />
      )}
    </Row>
  );
  const area = (name: 'descriptionEn' | 'descriptionEs', label: string, field: string) => (
    <Row label={label} field={field} error={error}>
      {(fid, describedBy) => (
        <textarea
          id={fid}
          rows={4}
          aria-describedby={describedBy}
          aria-invalid={!!describedBy}
          value={form[name]}
          onChange={(e) => set(name, e.target.value)}
        />
      )}
    </Row>
  );

  return (
    <main id="main" tabIndex={-1}>
      <h1>{id ? t('training.editTitle') : t('training.newTitle')}</h1>
      {existing.data?.status === 'published' && <p className="muted">{t('training.publishedChange')}</p>}
      <form onSubmit={submit} noValidate>
        <fieldset className="checks">
          <legend>{t('training.networks')}</legend>
          {networks.data.map((n) => (
            <label key={n.slug}>
              <input
                type="checkbox"
                checked={form.networks.includes(n.slug)}
                onChange={(e) =>
                  set(
                    'networks',
                    e.target.checked ? [...form.networks, n.slug] : form.networks.filter((x) => x !== n.slug),
                  )
                }
              />{' '}
              {i18n.language === 'es' ? n.name.es : n.name.en}
            </label>
          ))}
          <FieldErrors id="err-networks" messages={fieldErrors(error, 'networks')} />
        </fieldset>
        <Row label={t('training.kindLabel')} field="kind" error={error}>
          {(fid, d) => (
            <select
              id={fid}
              aria-describedby={d}
              value={form.kind}
              onChange={(e) => set('kind', e.target.value)}
            >
              {TRAINING_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`training.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Row>
        {text('titleEn', t('training.titleEn'), 'title.en', { lang: 'en', maxLength: 200 })}
        {text('titleEs', t('training.titleEs'), 'title.es', { lang: 'es', maxLength: 200 })}
        {area('descriptionEn', t('training.descriptionEn'), 'description.en')}
        {area('descriptionEs', t('training.descriptionEs'), 'description.es')}
        {text('sponsors', t('training.sponsorsLabel'), 'sponsors', { placeholder: 'CA, US, MX' })}
        {text('timezone', t('training.timezone'), 'timezone', { list: 'zones', autoComplete: 'off' })}
        <datalist id="zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {text('startsAt', t('training.startsLabel'), 'startsAt', { type: 'datetime-local' })}
        {text('endsAt', t('training.endsLabel'), 'endsAt', { type: 'datetime-local' })}
        <fieldset className="checks">
          <legend>{t('training.where')}</legend>
          {(['place', 'online'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="mode" checked={form.mode === m} onChange={() => set('mode', m)} />{' '}
              {t(`training.mode.${m}`)}
            </label>
          ))}
          <FieldErrors id="err-location" messages={fieldErrors(error, 'location', true)} />
        </fieldset>
        {form.mode === 'place' ? (
          <>
            {text('city', t('training.city'), 'location.city', { maxLength: 120 })}
            {text('country', t('training.countryCode'), 'location.country', {
              maxLength: 2,
              placeholder: 'MX',
            })}
          </>
        ) : (
          text('url', t('training.url'), 'location.url', { type: 'url', placeholder: 'https://' })
        )}
        {text('capacity', t('training.capacity'), 'capacity', {
          type: 'number',
          min: 1,
          inputMode: 'numeric',
        })}
        {text('deadline', t('training.deadlineLabel'), 'registrationDeadline', { type: 'datetime-local' })}
        <Row label={t('training.audience')} field="audience" error={error}>
          {(fid, d) => (
            <select
              id={fid}
              aria-describedby={d}
              value={form.audience}
              onChange={(e) => set('audience', e.target.value)}
            >
              <option value="officers">{t('training.audiences.officers')}</option>
              <option value="members">{t('training.audiences.members')}</option>
            </select>
          )}
        </Row>
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" className="primary" disabled={saving}>
          {id ? t('app.save') : t('training.saveDraft')}
        </button>
      </form>
    </main>
  );
}

/** A labelled field with the API's messages for it right below, tied to the control. */
function Row({
  label,
  field,
  error,
  children,
}: {
  label: string;
  field: string;
  error: unknown;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const fid = `f-${field.replace(/\W/g, '-')}`;
  const messages = fieldErrors(error, field);
  const errId = `${fid}-error`;
  return (
    <div className="field">
      <label htmlFor={fid}>{label}</label>
      {children(fid, messages.length ? errId : undefined)}
      <FieldErrors id={errId} messages={messages} />
    </div>
  );
}
