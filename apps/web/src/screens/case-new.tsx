import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import { CASE_TYPES, MEMBER_COUNTRIES, type Case, type Handling } from '../api/types.js';
import { CountryChecks, ErrorNote, Field, NetworkPicker } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useNetwork } from '../hooks.js';

/** Opening a case: the type list of the chosen network, the handling level and the involved countries. */
export default function CaseNew() {
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const { networks, network, setNetwork } = useNetwork();
  const own = session.user?.country ?? '';
  const [title, setTitle] = useState('');
  const [type, setType] = useState('');
  const [handling, setHandling] = useState<Handling>('network');
  const [countries, setCountries] = useState<string[]>(own ? [own] : []);
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const types = network ? CASE_TYPES[network] : [];
  const chosenType = types.includes(type) ? type : (types[0] ?? '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!network) return;
    setBusy(true);
    setError(null);
    try {
      const c = await api.post<Case>(`/networks/${network}/cases`, {
        title,
        type: chosenType,
        handling,
        countries,
        summary,
      });
      navigate(`/cases/${c.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" tabIndex={-1} className="narrow">
      <h1>{t('cases.open')}</h1>
      <form onSubmit={submit}>
        <NetworkPicker
          networks={networks?.filter((n) => n.role === 'officer')}
          value={network}
          onChange={setNetwork}
        />
        <Field label={t('cases.caseTitle')}>
          {(id) => (
            <input
              id={id}
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('cases.type')}>
          {(id) => (
            <select id={id} value={chosenType} onChange={(e) => setType(e.target.value)}>
              {types.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`caseType.${ty}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="checks">
          <legend>{t('cases.handling')}</legend>
          {(['network', 'involved'] as const).map((h) => (
            <label key={h}>
              <input
                type="radio"
                name="handling"
                value={h}
                checked={handling === h}
                onChange={() => setHandling(h)}
              />{' '}
              {t(`handling.${h}`)}
            </label>
          ))}
          <small className="muted">{t('cases.handlingHelp')}</small>
        </fieldset>
        <CountryChecks
          legend={t('cases.involvedCountries')}
          countries={MEMBER_COUNTRIES}
          value={countries}
          onChange={setCountries}
          label={f.country}
        />
        <Field label={t('cases.summary')}>
          {(id) => (
            <textarea
              id={id}
              required
              rows={5}
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
            />
          )}
        </Field>
        {error ? <ErrorNote error={error} /> : null}
        <button type="submit" className="primary" disabled={busy || !network}>
          {t('cases.create')}
        </button>
      </form>
    </main>
  );
}
