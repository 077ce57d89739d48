/** A file a message carries (API.md "Attachments"); the bytes are at `GET /api/attachments/:id`. */
export interface AttachmentRef {
  id: string;
  name: string;
  size: number;
  contentType: string;
}

/** A message as API.md shows it. `author` is null for system messages. */
export interface MessageView {
  id: string;
  channelId: string;
  caseId: string | null;
  seq: number;
  author: { id: string; displayName: string; country: string | null } | null;
  body: string;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
  clientMessageId: string | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  /** Empty once deleted (the files are gone with the message). */
  attachments: AttachmentRef[];
}

/** The columns every message query selects (alias `m` for messages, `u` for the author). */
export const MESSAGE_COLUMNS = `
  m.id, m.channel_id AS "channelId", m.case_id AS "caseId", m.seq, m.author_id AS "authorId",
  u.display_name AS "authorName", u.country AS "authorCountry", m.body, m.priority, m.request_ack AS "requestAck",
  m.client_message_id AS "clientMessageId", m.created_at AS "createdAt", m.edited_at AS "editedAt",
  m.deleted_at AS "deletedAt",
  COALESCE((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size, 'contentType', a.content_type)
                            ORDER BY a.position)
              FROM attachments a WHERE a.message_id = m.id AND a.deleted_at IS NULL), '[]'::json) AS attachments`;

export interface MessageRow {
  id: string;
  channelId: string;
  caseId: string | null;
  seq: string | number;
  authorId: string | null;
  authorName: string | null;
  authorCountry: string | null;
  body: string;
  priority: 'normal' | 'urgent';
  requestAck: boolean;
  clientMessageId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  attachments?: AttachmentRef[];
}

export function messageView(r: MessageRow): MessageView {
  return {
    id: r.id,
    channelId: r.channelId,
    caseId: r.caseId,
    seq: Number(r.seq),
    author: r.authorId
      ? { id: r.authorId, displayName: r.authorName ?? '', country: r.authorCountry ?? null }
      : null,
    body: r.deletedAt ? '' : r.body,
    priority: r.priority,
    requestAck: r.requestAck,
    clientMessageId: r.clientMessageId,
    createdAt: new Date(r.createdAt).toISOString(),
    editedAt: r.editedAt ? new Date(r.editedAt).toISOString() : null,
    deleted: !!r.deletedAt,
    attachments: r.deletedAt ? [] : (r.attachments ?? []).map((a) => ({ ...a, size: Number(a.size) })),
  };
}
