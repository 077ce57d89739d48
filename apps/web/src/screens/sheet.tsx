import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../api/http.js';
import { session } from '../api/session.js';
import type { Sheet, SheetVersion } from '../api/types.js';
import { SheetDiff } from '../components/sheet-diff.js';
import { SheetEditor } from '../components/sheet-editor.js';
import '../components/sheets.css';
import { ErrorNote, Loading } from '../components/ui.js';
import { useFormat } from '../format.js';
import { useLiveEvent, useLoad } from '../hooks.js';

/**
 * One country's sheet on a topic: the version asked (the latest by default) as the server rendered it, in the
 * reader's language; every version; the differences between two; and, for that country's officers, the editor.
 */
export default function SheetScreen() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { country = '', topic = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const asked = params.get('version');
  const path = `/countries/${country}/sheets/${topic}`;
  const versions = useLoad(() => api.get<SheetVersion[]>(`${path}/versions`), [path]);
  // nothing published yet (no versions): the page still shows the topic, and the editor to its officers
  const latest = versions.data?.[0]?.version;
  const sheet = useLoad<Sheet | null | undefined>(
    () =>
      asked || latest
        ? api.get<Sheet>(`${path}?version=${asked ?? latest}`)
        : Promise.resolve(versions.data ? null : undefined),
    [path, asked, latest, !!versions.data],
  );
  const [notice, setNotice] = useState('');
  useLiveEvent('sheet.published', (e: { country: string; topic: string; version: number }) => {
    if (e.country !== country || e.topic !== topic) return;
    versions.reload();
    setNotice(t('sheets.live', { version: e.version }));
  });
  const me = session.user!;
  const canPublish = me.country === country && me.memberships.some((m) => m.role === 'officer');
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const s = sheet.data;
  const title = t(`sheets.topics.${topic}`, { defaultValue: topic });

  return (
    <main id="main" tabIndex={-1}>
      <p>
        <Link to={`/library?country=${country}`}>{t('sheets.back')}</Link>
      </p>
      <p className="muted">{`${f.country(country)} (${country})`}</p>
      <h1>{title}</h1>
      <p role="status">{notice}</p>
      {versions.error || sheet.error ? (
        <ErrorNote
          error={versions.error ?? sheet.error}
          onRetry={versions.error ? versions.reload : sheet.reload}
        />
      ) : null}
      {sheet.data === undefined && !sheet.error && !versions.error && <Loading />}
      {sheet.data === null && <p>{t('sheets.none')}</p>}
      {s && (
        <article aria-labelledby="sheet-version">
          <p id="sheet-version">
            <strong>{t('sheets.versionOf', { version: s.version, latest: s.latestVersion })}</strong> ·{' '}
            {t('sheets.publishedBy', {
              when: f.dateTime(s.updatedAt),
              name: s.updatedBy?.displayName ?? '—',
            })}
          </p>
          {s.version !== s.latestVersion && (
            <p className="note">
              {t('sheets.earlier')} <Link to={`/library/${country}/${topic}`}>{t('sheets.readLatest')}</Link>
            </p>
          )}
          {/* the HTML the server rendered from Markdown with raw HTML off and links limited to http(s)/mailto */}
          <div
            className="sheet-body"
            data-testid="sheet-body"
            lang={lang}
            dangerouslySetInnerHTML={{ __html: s.html[lang] }}
          />
        </article>
      )}
      {versions.data && versions.data.length > 0 && (
        <section aria-labelledby="sheet-versions">
          <h2 id="sheet-versions">{t('sheets.versions')}</h2>
          <ul className="plain sheet-versions" data-testid="sheet-versions">
            {versions.data.map((v) => {
              const shown = s?.version === v.version;
              return (
                <li key={v.version} aria-current={shown ? 'true' : undefined}>
                  <Link to={`/library/${country}/${topic}?version=${v.version}`}>
                    {t('sheets.read', { version: v.version })}
                  </Link>{' '}
                  <time dateTime={v.updatedAt}>{f.dateTime(v.updatedAt)}</time> ·{' '}
                  {v.updatedBy?.displayName ?? '—'}
                  {shown ? ` (${t('sheets.reading')})` : ''}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      {versions.data && versions.data.length > 1 && (
        <SheetDiff key={versions.data[0].version} path={path} versions={versions.data} language={lang} />
      )}
      {canPublish && sheet.data !== undefined && (
        <SheetEditor
          key={path}
          path={path}
          current={s ?? undefined}
          onPublished={() => {
            setParams((p) => {
              p.delete('version');
              return p;
            });
            versions.reload();
          }}
        />
      )}
    </main>
  );
}
