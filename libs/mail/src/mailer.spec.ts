import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { loadConfig } from '#config';
import { Mailer } from './mailer.js';
import { followUpEscalationMail, followUpReminderMail } from './templates/follow-up-reminder.mail.js';
import { presidencyHandoverMail } from './templates/presidency-handover.mail.js';

const network = {
  en: 'Liaison Officer Network for Consular Protection',
  es: 'Red de Funcionarios de Enlace de Protección Consular',
};
const dueAt = new Date('2026-03-01T23:00:00Z');

describe('mail', () => {
  it('writes an .eml file with a text and an HTML part to DATA_DIR/outbox when SMTP_URL is unset', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enlace-mail-'));
    const mailer = new Mailer(
      loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), MAIL_FROM: 'Enlace <enlace@example.org>' }),
    );
    expect(mailer.mode).toBe('outbox');
    const rendered = followUpReminderMail({
      locale: 'es',
      timezone: 'America/Guatemala',
      recipientName: 'Ana',
      network,
      country: { en: 'Guatemala', es: 'Guatemala' },
      title: 'Requisitos de visa',
      dueAt,
      kind: 'upcoming',
      caseReference: 'CP-2026-0007',
      link: 'http://localhost:3000/follow-ups/1',
    });
    const sent = await mailer.send({
      to: 'ana@example.org',
      language: 'es',
      messageId: 'follow-up.1.v1.-P1D.u1',
      ...rendered,
    });
    // the same Message-ID again writes the same file: a resend after a crash leaves one message in the outbox
    await mailer.send({
      to: 'ana@example.org',
      language: 'es',
      messageId: 'follow-up.1.v1.-P1D.u1',
      ...rendered,
    });
    const files = readdirSync(join(dataDir, 'outbox'));
    expect(files).toEqual(['follow-up.1.v1.-P1D.u1@localhost.eml']);
    expect(sent.file).toBe(join(dataDir, 'outbox', files[0]));
    const parsed = await simpleParser(readFileSync(sent.file!));
    expect(parsed.messageId).toBe('<follow-up.1.v1.-P1D.u1@localhost>');
    expect(parsed.from?.text).toContain('enlace@example.org');
    expect(parsed.subject).toBe(
      'Recordatorio: «Requisitos de visa» vence el 1 de marzo de 2026 a las 17:00 GMT-6',
    );
    expect(parsed.text).toContain('La Presidencia Pro Tempore espera la respuesta de Guatemala');
    expect(parsed.text).toContain('Caso: CP-2026-0007');
    expect(parsed.html).toContain('<a href="http://localhost:3000/follow-ups/1"');
    expect(parsed.headers.get('content-language')).toBe('es');
  });

  it('renders reminders in English with the time in the reader’s zone, and escapes HTML', () => {
    const m = followUpReminderMail({
      locale: 'en',
      timezone: 'America/Mexico_City',
      recipientName: 'Bob <b>',
      network,
      country: { en: 'Mexico', es: 'México' },
      title: 'Visa <types> & requirements',
      dueAt,
      kind: 'overdue',
      link: 'http://x/',
    });
    expect(m.subject).toBe('Overdue: "Visa <types> & requirements"');
    expect(m.text).toMatch(/Due: March 1, 2026 at 5:00\sPM CST/);
    expect(m.html).toContain('Visa &lt;types&gt; &amp; requirements');
    expect(m.html).not.toContain('<b>');
  });

  it('falls back to UTC for an unknown time zone', () => {
    const m = followUpReminderMail({
      locale: 'en',
      timezone: 'Mars/Olympus',
      recipientName: 'C',
      network,
      country: { en: 'Mexico', es: 'México' },
      title: 't',
      dueAt,
      kind: 'due',
      link: 'http://x/',
    });
    expect(m.text).toMatch(/March 1, 2026 at 11:00\sPM UTC/);
  });

  it('renders escalations and handovers in both languages', () => {
    const esc = followUpEscalationMail({
      locale: 'es',
      timezone: 'UTC',
      recipientName: 'D',
      network,
      title: 't',
      dueAt,
      overdueCountries: [
        { en: 'Mexico', es: 'México' },
        { en: 'Honduras', es: 'Honduras' },
      ],
      link: 'http://x/',
    });
    expect(esc.subject).toBe('Escalamiento: «t» está vencido');
    expect(esc.text).toContain('México y Honduras');
    const handover = presidencyHandoverMail({
      locale: 'en',
      timezone: 'UTC',
      recipientName: 'E',
      from: { en: 'Guatemala', es: 'Guatemala' },
      to: { en: 'Mexico', es: 'México' },
      date: '2027-01-01',
      link: 'http://x/',
      networks: [
        {
          slug: 'consular-protection',
          network,
          openCount: 3,
          overdueCount: 1,
          open: [{ title: 'Visa types', dueAt: '2027-01-15T00:00:00.000Z', pendingCountries: ['MX'] }],
          overdue: [],
          workPlan: {
            total: 1,
            byStatus: { planned: 1 },
            activities: [{ title: 'Course', status: 'planned', targetDate: '2027-03-01' }],
          },
        },
      ],
    });
    expect(handover.subject).toBe('Presidency Pro-Tempore handover: Guatemala → Mexico');
    expect(handover.text).toContain(
      'On January 1, 2027 the Presidency Pro-Tempore passed from Guatemala to Mexico',
    );
    expect(handover.text).toContain('Open follow-up items: 3');
    expect(handover.text).toContain('… and 2 more');
    expect(handover.text).toContain('Course (planned, March 1, 2027)');
    expect(handover.html).toContain('<h2');
  });
});
