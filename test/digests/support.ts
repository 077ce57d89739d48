import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { DIGEST_QUEUES, QueueFactory } from '#queue';
import type { TestApp } from '../support/app.js';
import { Http } from '../support/http.js';
import type { ReceivedMail, TestSmtpServer } from '../support/smtp-server.js';
import { until } from '../follow-ups/helpers.js';

export const ST = 'smuggling-trafficking';
export const CP = 'consular-protection';

export const uniqueEmail = (tag: string) => `${tag}-${randomBytes(4).toString('hex')}@example.org`;

/** The digest queues (deliveries and missed-message checks) of an app, or given queues of another process. */
export function digestQueues(app: TestApp): Queue[] {
  const f = app.runtime.app.get(QueueFactory);
  return [f.queue(DIGEST_QUEUES.digests), f.queue(DIGEST_QUEUES.missed)];
}

/** Waits until no digest or missed-message job is waiting, delayed or running. */
export async function digestJobsIdle(queues: Queue[], timeoutMs = 30_000): Promise<void> {
  await until(
    async () => {
      const counts = await Promise.all(
        queues.map((q) => q.getJobCounts('active', 'waiting', 'delayed', 'prioritized')),
      );
      return counts.every((c) => Object.values(c).every((n) => n === 0));
    },
    'the digest queues to drain',
    timeoutMs,
    100,
  );
}

export const mailsTo = (smtp: TestSmtpServer, email: string): ReceivedMail[] =>
  smtp.messages.filter((m) => m.to.map((t) => t.toLowerCase()).includes(email.toLowerCase()));

export const digestsTo = (smtp: TestSmtpServer, email: string) =>
  mailsTo(smtp, email).filter((m) => m.messageId.startsWith('<digest.'));

/** The first link of an email's text part that starts with PUBLIC_URL + `path`, as path + query. */
export function linkPath(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${path.replace(/[?]/g, '\\?')}[^\\s]*)`).exec(
    mail.parsed.text ?? '',
  );
  if (!match) throw new Error(`no ${path} link in: ${mail.parsed.text}`);
  return match[1];
}

/** The List-Unsubscribe URL of a digest, as path + query. */
export function listUnsubscribePath(mail: ReceivedMail): string {
  const raw = mail.raw.toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
  const match = /^List-Unsubscribe:\s*<https?:\/\/[^/>]+([^>]+)>/im.exec(raw);
  if (!match) throw new Error('no List-Unsubscribe header');
  return match[1];
}

export interface PublicSettings {
  networks: string[];
  frequency: 'daily' | 'weekly';
  hour: number;
  timezone: string;
  locale: 'en' | 'es';
}

/** Subscribes an address, waits for the confirmation email and posts its token back. */
export async function subscribeConfirmed(
  app: TestApp,
  smtp: TestSmtpServer,
  email: string,
  settings: PublicSettings,
): Promise<void> {
  const http = new Http(app.url);
  const res = await http.post('/api/digest-subscriptions', { email, ...settings });
  if (res.status !== 202) throw new Error(`subscribe: ${res.status} ${res.text}`);
  await smtp.waitFor(() => mailsTo(smtp, email).length >= 1, `the confirmation to ${email}`);
  const token = confirmToken(mailsTo(smtp, email).at(-1)!);
  const confirmed = await http.post('/api/digest-subscriptions/confirm', { token });
  if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${confirmed.text}`);
}

export function confirmToken(mail: ReceivedMail): string {
  const path = linkPath(mail, '/digest/confirm?token=');
  return decodeURIComponent(new URL(path, 'http://x').searchParams.get('token')!);
}

/** `POST /api/admin/digests/run` → the number queued. */
export async function runCycle(admin: Http, frequency: 'daily' | 'weekly', at: Date): Promise<number> {
  const res = await admin.post('/api/admin/digests/run', { frequency, at: at.toISOString() });
  if (res.status !== 202) throw new Error(`run: ${res.status} ${res.text}`);
  return res.body.queued;
}

/** No raw message (nor its decoded parts) holds any of the given strings. */
export function expectNoSecrets(smtp: TestSmtpServer, secrets: string[]): void {
  for (const m of smtp.messages) {
    const raw = m.raw.toString('utf8');
    const decoded = `${m.parsed.subject}\n${m.parsed.text}\n${m.parsed.html}`;
    for (const s of secrets) {
      if (raw.includes(s) || decoded.includes(s)) throw new Error(`${m.messageId} holds ${s}`);
    }
  }
}
