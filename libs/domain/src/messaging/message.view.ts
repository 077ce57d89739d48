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
}

/** The columns every message query selects (alias `m` for messages, `u` for the author). */
export const MESSAGE_COLUMNS = `
  m.id, m.channel_id AS "channelId", m.case_id AS "caseId", m.seq, m.author_id AS "authorId",
  u.display_name AS "authorName", u.country AS "authorCountry", m.body, m.priority, m.request_ack AS "requestAck",
  m.client_message_id AS "clientMessageId", m.created_at AS "createdAt", m.edited_at AS "editedAt",
  m.deleted_at AS "deletedAt"`;

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
  };
}
