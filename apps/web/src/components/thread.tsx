import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError } from '../api/http.js';
import { session } from '../api/session.js';
import type { Message, Person } from '../api/types.js';
import { useFormat } from '../format.js';
import { useLive, useLiveEvent } from '../hooks.js';
import { live } from '../realtime/live.js';
import { MessageAttachments } from './attachments.js';
import { Composer } from './composer.js';
import { ErrorNote, Field, Loading } from './ui.js';

/**
 * A live message thread (a channel or a case thread): a windowed list that pages upward, Enter to send, edit and
 * delete of one's own messages, urgent and acknowledgement requests, typing and presence.
 */
export function Thread({
  channelId,
  label,
  canPost = true,
  caseThread = false,
}: {
  channelId: string;
  label: string;
  /** A case's own thread: its messages need no link to the case. */
  caseThread?: boolean;
  canPost?: boolean;
}) {
  useLive();
  const [error, setError] = useState<unknown>(null);
  const log = live.log(channelId);

  useEffect(() => {
    setError(null);
    live.open(channelId).catch(setError);
    return live.view(channelId);
  }, [channelId]);

  useLiveEvent('send.failed', (e: { pending: { channelId: string }; error: ApiError }) => {
    if (e.pending.channelId === channelId) setError(e.error);
  });

  if (error && !log?.loaded) return <ErrorNote error={error} />;
  if (!log?.loaded) return <Loading />;
  return (
    <section className="thread" aria-label={label}>
      <MessageList channelId={channelId} label={label} caseThread={caseThread} />
      <Typing channelId={channelId} />
      {error ? <ErrorNote error={error} /> : null}
      {canPost && <Composer channelId={channelId} />}
    </section>
  );
}

function MessageList({
  channelId,
  label,
  caseThread,
}: {
  channelId: string;
  label: string;
  caseThread: boolean;
}) {
  const { t } = useTranslation();
  const version = useLive();
  const log = live.log(channelId)!;
  const messages = log.messages;
  const pending = live.pending(channelId);
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const count = messages.length + pending.length;
  // the authors of the loaded messages (the latest 200): their online dots come from presence.watch
  const authors = [...new Set(messages.map((m) => m.author?.id).filter((id): id is string => !!id))];
  const authorsKey = authors.slice(-200).join(',');
  useEffect(() => live.activity.watchPresence(authorsKey ? authorsKey.split(',') : []), [authorsKey]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => 72,
    overscan: 12,
    getItemKey: (i) => (i < messages.length ? messages[i].id : pending[i - messages.length].clientMessageId),
  });

  // new messages at the bottom keep the view at the bottom when it was there
  useLayoutEffect(() => {
    if (stickToBottom.current && count) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [count, version, virtualizer]);

  const older = async () => {
    if (loadingOlder || !log.hasOlder) return;
    setLoadingOlder(true);
    const el = scroller.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    try {
      await live.loadOlder(channelId);
    } finally {
      setLoadingOlder(false);
      // keep the message the reader was looking at in place
      requestAnimationFrame(() => {
        if (el) el.scrollTop = el.scrollHeight - fromBottom;
      });
    }
  };

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (el.scrollTop < 120) void older();
  };

  return (
    <div
      className="messages"
      ref={scroller}
      onScroll={onScroll}
      tabIndex={0}
      role="log"
      aria-label={t('channel.history', { name: label })}
      data-testid="messages"
    >
      <div className="older">
        {log.hasOlder ? (
          <button type="button" onClick={() => void older()} disabled={loadingOlder}>
            {t('channel.older')}
          </button>
        ) : (
          <p className="muted">{t('channel.beginning')}</p>
        )}
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="list">
        {virtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            data-index={row.index}
            ref={virtualizer.measureElement}
            role="listitem"
            className="row"
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              transform: `translateY(${row.start}px)`,
            }}
          >
            {row.index < messages.length ? (
              <MessageItem message={messages[row.index]} caseThread={caseThread} />
            ) : (
              <div className="msg pending">
                <p className="body">{pending[row.index - messages.length].body}</p>
                {pending[row.index - messages.length].attachments?.map((a) => (
                  <small key={a.id} className="muted">
                    📎 {a.name}{' '}
                  </small>
                ))}
                <small className="muted">{t('channel.sending')}</small>
              </div>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

function Author({ person }: { person: Person | null }) {
  const { t } = useTranslation();
  if (!person) return <strong>{t('channel.system')}</strong>;
  const online = live.activity.isOnline(person.id);
  return (
    <strong>
      {person.displayName}
      {person.country ? ` (${person.country})` : ''}
      {online && (
        <span className="dot" title={t('channel.online')}>
          <span className="sr-only">{t('channel.online')}</span>
        </span>
      )}
    </strong>
  );
}

/** `@GT` and `@name` mentions stand out; those naming the reader more so. */
function Body({ text }: { text: string }) {
  const me = session.user;
  const parts = text.split(/(@[\p{L}\p{N}_.-]+)/u);
  return (
    <p className="body">
      {parts.map((p, i) => {
        if (!p.startsWith('@')) return p;
        const who = p.slice(1).toLowerCase();
        const mine =
          !!me &&
          (who === me.country?.toLowerCase() ||
            me.displayName
              .toLowerCase()
              .split(/\s+/)
              .some((n) => n === who));
        return (
          <mark key={i} className={mine ? 'mention me' : 'mention'}>
            {p}
          </mark>
        );
      })}
    </p>
  );
}

function MessageItem({ message: m, caseThread }: { message: Message; caseThread: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const mine = !!m.author && m.author.id === session.user?.id;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.body);
  const [error, setError] = useState<unknown>(null);
  const [acks, setAcks] = useState<Array<{ user: Person; ackedAt: string }> | null>(null);
  const [ackedByMe, setAckedByMe] = useState(false);

  useLiveEvent('message.acked', (a: { messageId: string; user: Person; ackedAt: string }) => {
    if (a.messageId !== m.id) return;
    if (a.user.id === session.user?.id) setAckedByMe(true);
    setAcks((list) => (list && !list.some((x) => x.user.id === a.user.id) ? [...list, a] : list));
  });

  if (m.deleted) {
    return (
      <div className="msg deleted">
        <small className="muted">
          {t('channel.deleted')} · <time dateTime={m.createdAt}>{f.dateTime(m.createdAt)}</time>
        </small>
      </div>
    );
  }
  const saveEdit = async () => {
    try {
      await live.edit(m.id, draft);
      setEditing(false);
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    if (!window.confirm(t('channel.confirmDelete'))) return;
    await live.remove(m.id).catch(setError);
  };
  const ack = async () => {
    try {
      await live.ack(m.id);
      setAckedByMe(true);
    } catch (e) {
      setError(e);
    }
  };
  const showAcks = async () => {
    if (acks) return setAcks(null);
    setAcks(await api.get(`/messages/${m.id}/acks`));
  };

  return (
    <article
      className={`msg${m.priority === 'urgent' ? ' urgent' : ''}`}
      aria-label={m.author?.displayName ?? t('channel.system')}
    >
      <header>
        <Author person={m.author} /> <time dateTime={m.createdAt}>{f.dateTime(m.createdAt)}</time>
        {m.editedAt && <small className="muted"> ({t('channel.edited')})</small>}
        {m.priority === 'urgent' && <span className="badge urgent">{t('channel.urgent')}</span>}
        {m.requestAck && <span className="badge">{t('channel.ackRequested')}</span>}
        {m.caseId && !caseThread && (
          <Link className="badge" to={`/cases/${m.caseId}`}>
            {t('channel.caseLink')}
          </Link>
        )}
      </header>
      {editing ? (
        <div className="edit">
          <Field label={t('channel.edit')}>
            {(id) => <textarea id={id} value={draft} onChange={(e) => setDraft(e.target.value)} rows={3} />}
          </Field>
          <button type="button" className="primary" onClick={() => void saveEdit()}>
            {t('app.save')}
          </button>{' '}
          <button type="button" onClick={() => setEditing(false)}>
            {t('app.cancel')}
          </button>
        </div>
      ) : (
        <Body text={m.body} />
      )}
      {m.attachments?.length ? <MessageAttachments attachments={m.attachments} /> : null}
      <div className="actions">
        {mine && !editing && m.author && (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              {t('channel.edit')}
            </button>
            <button type="button" onClick={() => void remove()}>
              {t('channel.delete')}
            </button>
          </>
        )}
        {m.requestAck && !mine && (
          <button type="button" onClick={() => void ack()} disabled={ackedByMe}>
            {ackedByMe ? t('channel.acknowledged') : t('channel.acknowledge')}
          </button>
        )}
        {m.requestAck && (
          <button type="button" aria-expanded={!!acks} onClick={() => void showAcks().catch(setError)}>
            {t('channel.acks')}
          </button>
        )}
      </div>
      {acks && (
        <ul className="acks" aria-label={t('channel.acks')}>
          {acks.length === 0 && <li className="muted">{t('channel.noAcks')}</li>}
          {acks.map((a) => (
            <li key={a.user.id}>
              {a.user.displayName} {a.user.country ? `(${a.user.country})` : ''} ·{' '}
              <time dateTime={a.ackedAt}>{f.dateTime(a.ackedAt)}</time>
            </li>
          ))}
        </ul>
      )}
      {error ? <ErrorNote error={error} /> : null}
    </article>
  );
}

function Typing({ channelId }: { channelId: string }) {
  const { t } = useTranslation();
  useLive();
  const names = live.activity.typists(channelId);
  return (
    <p className="typing muted" aria-live="polite">
      {names.length ? t('channel.typing', { count: names.length, names: names.join(', ') }) : ''}
    </p>
  );
}
