import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/http.js';
import type { Sheet } from '../api/types.js';
import { ErrorNote, Field } from './ui.js';

/**
 * A new version of the country's own sheet, in both languages, with the server's preview: the client never turns
 * Markdown into HTML itself, it shows what the server rendered and sanitised.
 */
export function SheetEditor({
  path,
  current,
  onPublished,
}: {
  path: string;
  current: Sheet | undefined;
  onPublished: (sheet: Sheet) => void;
}) {
  const { t } = useTranslation();
  const [en, setEn] = useState(current?.body.en ?? '');
  const [es, setEs] = useState(current?.body.es ?? '');
  const [preview, setPreview] = useState<{ en: string; es: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<number | null>(null);
  const showPreview = async () => {
    setError(null);
    try {
      setPreview(
        (await api.post<{ html: { en: string; es: string } }>('/sheets/preview', { body: { en, es } })).html,
      );
    } catch (err) {
      setError(err);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const sheet = await api.put<Sheet>(path, { body: { en, es } });
      setDone(sheet.version);
      setPreview(null);
      onPublished(sheet);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card sheet-editor" aria-labelledby="sheet-edit">
      <h2 id="sheet-edit">{t('sheets.edit')}</h2>
      <p className="muted">{t('sheets.editIntro')}</p>
      <form onSubmit={submit}>
        <Field label={t('sheets.bodyEn')}>
          {(id) => (
            <textarea
              id={id}
              lang="en"
              rows={10}
              required
              value={en}
              onChange={(e) => setEn(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('sheets.bodyEs')}>
          {(id) => (
            <textarea
              id={id}
              lang="es"
              rows={10}
              required
              value={es}
              onChange={(e) => setEs(e.target.value)}
            />
          )}
        </Field>
        {error ? <ErrorNote error={error} /> : null}
        <p role="status">{done ? t('sheets.published', { version: done }) : ''}</p>
        <div className="actions">
          <button type="button" onClick={() => void showPreview()}>
            {t('sheets.preview')}
          </button>
          <button type="submit" className="primary">
            {t('sheets.publish')}
          </button>
        </div>
      </form>
      {preview && (
        <div data-testid="sheet-preview">
          <h3>{t('sheets.previewEn')}</h3>
          <div className="sheet-body" lang="en" dangerouslySetInnerHTML={{ __html: preview.en }} />
          <h3>{t('sheets.previewEs')}</h3>
          <div className="sheet-body" lang="es" dangerouslySetInnerHTML={{ __html: preview.es }} />
        </div>
      )}
    </section>
  );
}
