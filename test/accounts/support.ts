import { expect } from '@jest/globals';
import type { Http } from '../support/http.js';
import type { ReceivedMail, TestSmtpServer } from '../support/smtp-server.js';

/** The reset emails the SMTP peer received for one address. */
export const resetMailsTo = (smtp: TestSmtpServer, email: string): ReceivedMail[] =>
  smtp.messages.filter((m) => m.to.includes(email) && m.messageId.includes('password-reset.'));

/** The token of the reset link of an email (read as the person reads it: the decoded text part). */
export function resetToken(mail: ReceivedMail): string {
  const m = /\/reset-password\?token=([A-Za-z0-9_-]{43})\b/.exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no reset link in:\n${mail.parsed.text}`);
  return m[1];
}

/** Audit entries of an action about a target, newest first (admin only). */
export async function auditOf(admin: Http, action: string, targetId?: string): Promise<any[]> {
  const q = new URLSearchParams({ action, limit: '50', ...(targetId ? { targetId } : {}) });
  const res = await admin.get(`/api/admin/audit?${q}`);
  expect(res.status).toBe(200);
  return res.body;
}
