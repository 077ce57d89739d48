import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/http.js';
import { session, SessionExpired } from '../api/session.js';
import type { AttachmentRef } from '../api/types.js';
import { useFormat } from '../format.js';

/** Sizes as people read them: 812 B, 48 KB, 3.2 MB. */
export function formatSize(bytes: number, locale: string): string {
  const n = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${n.format(bytes / 1024)} KB`;
  return `${n.format(bytes / 1024 / 1024)} MB`;
}

const previewable = (a: AttachmentRef) =>
  /^image\/(png|jpeg|webp)$/.test(a.contentType) || a.contentType === 'application/pdf';

/**
 * Uploads one file to a channel or case thread with XMLHttpRequest (it reports upload progress, which fetch does
 * not), with the session's token; a token that expired meanwhile is refreshed once.
 */
export async function uploadFile(
  channelId: string,
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<AttachmentRef> {
  const attempt = () =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/channels/${channelId}/attachments`);
      if (session.accessToken) xhr.setRequestHeader('authorization', `Bearer ${session.accessToken}`);
      if (session.user) xhr.setRequestHeader('accept-language', session.user.locale);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        let body: any = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          /* not JSON */
        }
        resolve({ status: xhr.status, body });
      };
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The service cannot be reached.'));
      xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled.'));
      signal?.addEventListener('abort', () => xhr.abort());
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
  let res = await attempt();
  if (res.status === 401 && session.hasRefreshToken && (await session.refresh())) res = await attempt();
  if (res.status === 401) {
    session.expire();
    throw new SessionExpired();
  }
  if (res.status !== 201) {
    const e = res.body?.error ?? {};
    throw new ApiError(
      res.status,
      e.code ?? `HTTP_${res.status}`,
      e.message ?? String(res.status),
      e.details,
    );
  }
  onProgress(1);
  return res.body as AttachmentRef;
}

/** The files of a message: name and size, download, and a preview for images and PDFs. */
export function MessageAttachments({ attachments }: { attachments: AttachmentRef[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [preview, setPreview] = useState<{ a: AttachmentRef; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview.url) : undefined), [preview]);
  if (!attachments.length) return null;

  const show = async (a: AttachmentRef) => {
    if (preview?.a.id === a.id) return setPreview(null);
    try {
      const res = await api.fetch(`/attachments/${a.id}`);
      // the bytes as the sniffed type, shown from this page's own object URL (never the API's URL in a frame)
      const blob = new Blob([await res.arrayBuffer()], { type: a.contentType });
      setPreview({ a, url: URL.createObjectURL(blob) });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="attachments">
      <ul aria-label={t('attachments.list')}>
        {attachments.map((a) => (
          <li key={a.id} className="attachment">
            <span aria-hidden="true">📎</span> <span className="name">{a.name}</span>{' '}
            <small className="muted">{formatSize(a.size, f.locale)}</small>{' '}
            <button
              type="button"
              onClick={() =>
                void api.download(`/attachments/${a.id}`, a.name).catch((e) => setError(e.message))
              }
              aria-label={t('attachments.download', { name: a.name })}
            >
              {t('attachments.downloadShort')}
            </button>
            {previewable(a) && (
              <button
                type="button"
                aria-expanded={preview?.a.id === a.id}
                onClick={() => void show(a)}
                aria-label={t('attachments.preview', { name: a.name })}
              >
                {t('attachments.previewShort')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {preview &&
        (preview.a.contentType === 'application/pdf' ? (
          <object className="preview" data={preview.url} type="application/pdf" aria-label={preview.a.name}>
            <p>{t('attachments.noPdfViewer')}</p>
          </object>
        ) : (
          <img className="preview" src={preview.url} alt={preview.a.name} />
        ))}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** An upload in the composer: progress while it goes, then a chip that can be removed before sending. */
export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  progress: number;
  done?: AttachmentRef;
  error?: string;
  abort: AbortController;
}

export function UploadChips({
  uploads,
  onRemove,
}: {
  uploads: PendingUpload[];
  onRemove: (key: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!uploads.length) return null;
  return (
    <ul className="upload-chips" aria-label={t('attachments.pending')}>
      {uploads.map((u) => (
        <li key={u.key} className={`chip${u.error ? ' failed' : ''}`}>
          <span className="name">{u.name}</span>{' '}
          <small className="muted">{formatSize(u.size, f.locale)}</small>{' '}
          {u.error ? (
            <span role="alert">{u.error}</span>
          ) : u.done ? (
            <small>{t('attachments.ready')}</small>
          ) : (
            <progress
              max={1}
              value={u.progress}
              aria-label={t('attachments.uploading', { name: u.name, percent: Math.round(u.progress * 100) })}
            />
          )}{' '}
          <button
            type="button"
            onClick={() => onRemove(u.key)}
            aria-label={t('attachments.remove', { name: u.name })}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
