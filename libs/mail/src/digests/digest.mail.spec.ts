import {
  digestConfirmationMail,
  digestMail,
  type DigestMailInput,
  missedMessagesMail,
} from './digest.mail.js';
import { unsubscribePage } from './digest-pages.js';

const network = {
  en: 'Liaison Officer Network to Combat Migrant Smuggling and Trafficking',
  es: 'Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas',
};

const input = (over: Partial<DigestMailInput> = {}): DigestMailInput => ({
  locale: 'en',
  timezone: 'America/Mexico_City',
  recipientName: 'Ana <b>',
  frequency: 'daily',
  from: new Date('2027-03-27T14:00:00Z'),
  to: new Date('2027-03-28T14:00:00Z'),
  networks: [
    {
      name: network,
      officer: true,
      training: [
        {
          title: { en: 'Course on victim identification', es: 'Curso de identificación de víctimas' },
          startsAt: new Date('2027-04-05T15:00:00Z'),
          link: 'http://x/training/1',
        },
      ],
      followUps: { open: 3, overdue: 1 },
      newCases: [
        { reference: 'ST-2027-0001', title: 'Boat <intercepted>', link: 'http://x/cases/1' },
        { reference: 'ST-2027-0002', title: null, link: 'http://x/cases/2' },
      ],
      dueForCountry: [
        {
          title: 'Visa types',
          dueAt: new Date('2027-03-29T23:00:00Z'),
          overdue: false,
          link: 'http://x/f/1',
        },
      ],
      unread: [{ channel: 'general', count: 4, link: 'http://x/channels/1' }],
    },
  ],
  unsubscribeUrl: 'http://x/digest/unsubscribe?token=t',
  manageUrl: 'http://x/settings/digest',
  ...over,
});

describe('digest emails', () => {
  it('renders text and HTML with inlined CSS, times in the reader’s zone, HTML escaped', () => {
    const m = digestMail(input());
    expect(m.subject).toBe('Your daily Enlace digest — March 28, 2027');
    expect(m.text).toContain('Hello Ana <b>,');
    expect(m.text).toMatch(/to March 28, 2027 at 8:00\sAM CST\./);
    expect(m.text).toContain('  - ST-2027-0001 — Boat <intercepted>');
    expect(m.text).toContain('  - ST-2027-0002 (involved countries only: open it to see more)');
    expect(m.text).toContain('Follow-up items: Open 3 · Overdue 1');
    expect(m.text).toContain('#general: 4 unread');
    expect(m.text).toMatch(/Course on victim identification — April 5, 2027 at 9:00\sAM CST/);
    expect(m.html).toContain('Boat &lt;intercepted&gt;');
    expect(m.html).not.toContain('<b>');
    expect(m.html).not.toContain('<style>');
    expect(m.html).toMatch(/<h2 style="[^"]*color: #1d4ed8/);
    expect(m.html).toContain('href="http://x/digest/unsubscribe?token&#x3D;t"');
  });

  it('speaks Spanish to Spanish readers', () => {
    const m = digestMail(input({ locale: 'es', frequency: 'weekly', recipientName: null }));
    expect(m.subject).toBe('Su resumen semanal de Enlace — 28 de marzo de 2027');
    expect(m.text).toContain('Hola:');
    expect(m.text).toContain('Curso de identificación de víctimas');
    expect(m.text).toContain('== Red de Funcionarios de Enlace para el Combate');
    expect(m.text).toContain('Puntos de seguimiento: Abiertos 3 · Vencidos 1');
    expect(m.text).toContain('#general: 4 sin leer');
  });

  it('confirmation and missed-message emails carry settings, counts and links only', () => {
    const c = digestConfirmationMail({
      locale: 'es',
      confirmUrl: 'http://x/digest/confirm?token=abc',
      networks: [network],
      frequency: 'daily',
      hour: 8,
      timezone: 'Europe/Madrid',
      expiresAt: new Date('2027-01-08T07:00:00Z'),
    });
    expect(c.subject).toBe('Confirme su suscripción al resumen de Enlace');
    expect(c.text).toContain('diario, a las 08:00 (Europe/Madrid)');
    expect(c.text).toContain('http://x/digest/confirm?token=abc');
    const missed = missedMessagesMail({
      locale: 'en',
      recipientName: 'Bo',
      place: { kind: 'case', label: 'CP-2027-0003', network },
      count: 2,
      link: 'http://x/cases/3',
    });
    expect(missed.subject).toBe('2 messages for you in case CP-2027-0003');
    expect(missed.text).toContain('http://x/cases/3');
  });

  it('the unsubscribe answer page: every action is a form post, the token escaped', () => {
    const page = unsubscribePage({
      locale: 'es',
      token: 'a.b',
      email: 'x@y.org',
      frequency: 'daily',
      status: 'active',
    });
    expect(page).toContain('Cancelar la suscripción');
    expect(page).toContain('Recibirlo semanalmente');
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(page).toContain('action="/digest/unsubscribe?token&#x3D;a.b"');
  });
});
