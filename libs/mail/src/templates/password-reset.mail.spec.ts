import { passwordResetMail } from './password-reset.mail.js';

const input = {
  locale: 'es' as const,
  timezone: 'America/Guatemala',
  recipientName: '<Ana>',
  link: 'https://enlace.example.org/reset-password?token=abc_DEF-123',
  expiresAt: new Date('2027-03-10T15:30:00Z'),
  requestedFrom: '203.0.113.7',
};

describe('password reset email', () => {
  it('is written in the account language with the expiry in its zone, the link, and the name escaped', () => {
    const mail = passwordResetMail(input);
    expect(mail.subject).toBe('Restablezca su contraseña de Enlace');
    expect(mail.text).toContain('10 de marzo de 2027 a las 9:30'); // 15:30 UTC in Guatemala
    expect(mail.text).toContain(input.link);
    expect(mail.text).toContain('203.0.113.7');
    expect(mail.html).toContain('&lt;Ana&gt;');
    expect(mail.html).not.toContain('<Ana>');
  });

  it('has an English version', () => {
    const mail = passwordResetMail({ ...input, locale: 'en', timezone: 'UTC', requestedFrom: null });
    expect(mail.subject).toBe('Reset your Enlace password');
    expect(mail.text).toContain('March 10, 2027 at 3:30');
    expect(mail.text).not.toContain('request came from');
  });
});
