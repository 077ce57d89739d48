import { diffLines } from 'diff';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import type { Locale, Sheet, SheetVersion } from '../api/types.js';
import { useLoad } from '../hooks.js';
import { ErrorNote, Field, Loading } from './ui.js';

/** The Markdown of two versions, line by line: removed lines, then added ones, in the language chosen. */
export function SheetDiff({
  path,
  versions,
  language,
}: {
  path: string;
  versions: SheetVersion[];
  language: Locale;
}) {
  const { t } = useTranslation();
  const numbers = versions.map((v) => v.version);
  const [to, setTo] = useState(numbers[0]);
  const [from, setFrom] = useState(numbers[1] ?? numbers[0]);
  const [lang, setLang] = useState<Locale>(language);
  const texts = useLoad(
    () =>
      Promise.all([from, to].map((n) => api.get<Sheet>(`${path}?version=${n}`))).then(([a, b]) => ({
        a: a.body,
        b: b.body,
      })),
    [path, from, to],
  );
  const parts = texts.data ? diffLines(texts.data.a[lang], texts.data.b[lang]) : [];
  const changed = parts.some((p) => p.added || p.removed);
  const lines = (value: string) => value.replace(/\n$/, '').split('\n');
  const pick = (label: string, value: number, set: (n: number) => void) => (
    <Field label={label}>
      {(id) => (
        <select id={id} value={value} onChange={(e) => set(Number(e.target.value))}>
          {numbers.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <section aria-labelledby="sheet-diff">
      <h2 id="sheet-diff">{t('sheets.diff')}</h2>
      <div className="filters">
        {pick(t('sheets.from'), from, setFrom)}
        {pick(t('sheets.to'), to, setTo)}
        <Field label={t('sheets.language')}>
          {(id) => (
            <select id={id} value={lang} onChange={(e) => setLang(e.target.value as Locale)}>
              <option value="en">English</option>
              <option value="es">Español</option>
            </select>
          )}
        </Field>
      </div>
      {texts.error ? <ErrorNote error={texts.error} onRetry={texts.reload} /> : null}
      {!texts.data && !texts.error && <Loading />}
      {texts.data && !changed && <p>{t('sheets.noChange')}</p>}
      {texts.data && changed && (
        <ol className="sheet-diff" data-testid="sheet-diff" lang={lang}>
          {parts.flatMap((p, i) =>
            lines(p.value).map((line, j) => (
              <li key={`${i}-${j}`}>
                {p.added ? (
                  <ins>
                    <span className="sr-only">{t('sheets.added')}: </span>+ {line}
                  </ins>
                ) : p.removed ? (
                  <del>
                    <span className="sr-only">{t('sheets.removed')}: </span>− {line}
                  </del>
                ) : (
                  <span>{`  ${line}`}</span>
                )}
              </li>
            )),
          )}
        </ol>
      )}
    </section>
  );
}
