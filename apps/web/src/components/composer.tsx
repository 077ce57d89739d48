import { useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { live } from '../realtime/live.js';
import { uploadFile, UploadChips, type PendingUpload } from './attachments.js';
import { Field } from './ui.js';

/** At most this many files in one message (API.md). */
const MAX_FILES = 10;

/**
 * The message composer of a thread: Enter sends; urgent and acknowledgement requests; files by the paperclip button
 * or dropped on it, uploaded at once with progress, sent with the message once every upload is done.
 */
export function Composer({ channelId }: { channelId: string }) {
  const { t } = useTranslation();
  const [body, setBody] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [requestAck, setRequestAck] = useState(false);
  const [uploads, setUploads] = useState<PendingUpload[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const busy = uploads.some((u) => !u.done && !u.error);
  const ready = uploads.filter((u) => u.done).map((u) => u.done!);

  const patch = (key: string, change: Partial<PendingUpload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const add = (files: FileList | File[]) => {
    const room = MAX_FILES - uploads.length;
    for (const file of [...files].slice(0, Math.max(room, 0))) {
      const u: PendingUpload = {
        key: `${file.name}-${file.size}-${Math.random()}`,
        name: file.name,
        size: file.size,
        progress: 0,
        abort: new AbortController(),
      };
      setUploads((list) => [...list, u]);
      uploadFile(channelId, file, (progress) => patch(u.key, { progress }), u.abort.signal).then(
        (done) => patch(u.key, { done, progress: 1 }),
        (e: Error) => patch(u.key, { error: e.message }),
      );
    }
  };
  const remove = (key: string) => {
    uploads.find((u) => u.key === key)?.abort.abort();
    setUploads((list) => list.filter((u) => u.key !== key));
  };

  const send = () => {
    const text = body.trim() || ready.map((a) => a.name).join(', ');
    if (!text || busy) return;
    live.send({
      channelId,
      body: text,
      priority: urgent ? 'urgent' : 'normal',
      requestAck,
      ...(ready.length ? { attachments: ready } : {}),
    });
    setBody('');
    setUrgent(false);
    setRequestAck(false);
    setUploads([]);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) add(e.dataTransfer.files);
  };
  return (
    <form
      className={`composer${dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="composer"
    >
      <Field label={t('channel.compose')} hint={t('channel.composeHint')}>
        {(id) => (
          <textarea
            id={id}
            rows={2}
            maxLength={10_000}
            value={body}
            onKeyDown={onKey}
            onChange={(e) => {
              setBody(e.target.value);
              live.activity.sendTyping(channelId);
            }}
          />
        )}
      </Field>
      <UploadChips uploads={uploads} onRemove={remove} />
      {dragging && <p className="drop-hint">{t('attachments.dropHere')}</p>}
      <div className="composer-tools">
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          accept=".pdf,.png,.jpg,.jpeg,.webp,.txt,.csv,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"
          data-testid="attach-input"
          onChange={(e) => {
            if (e.target.files) add(e.target.files);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          onClick={() => picker.current?.click()}
          disabled={uploads.length >= MAX_FILES}
          title={t('attachments.hint')}
        >
          📎 {t('attachments.attach')}
        </button>
        <label>
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />{' '}
          {t('channel.urgent')}
        </label>
        <label>
          <input type="checkbox" checked={requestAck} onChange={(e) => setRequestAck(e.target.checked)} />{' '}
          {t('channel.requestAck')}
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('channel.send')}
        </button>
      </div>
    </form>
  );
}
