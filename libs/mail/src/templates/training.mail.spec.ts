import { trainingMail, type TrainingMailInput } from './training.mail.js';

const input = (over: Partial<TrainingMailInput> = {}): TrainingMailInput => ({
  kind: 'reminder',
  locale: 'es',
  timezone: 'America/Guatemala',
  recipientName: '<Ana>',
  title: { en: 'Consular assistance to minors', es: 'Asistencia consular a menores' },
  description: { en: 'Two days.', es: 'Dos días.' },
  networks: [{ en: 'Consular network', es: 'Red consular' }],
  sponsors: [{ en: 'Canada', es: 'Canadá' }],
  startsAt: new Date('2027-03-10T15:00:00Z'),
  endsAt: new Date('2027-03-10T19:00:00Z'),
  location: { url: 'https://meet.example.org/rcm' },
  registrationDeadline: null,
  daysBefore: 7,
  link: 'https://enlace.example.org/training/x',
  ...over,
});

describe('training email', () => {
  it('writes the email in the reader language with times in their zone, HTML escaped', () => {
    const mail = trainingMail(input());
    expect(mail.subject).toBe('Recordatorio: Asistencia consular a menores comienza en 7 días');
    expect(mail.text).toContain('10 de marzo de 2027 a las 9:00'); // 15:00 UTC in Guatemala
    expect(mail.html).toContain('&lt;Ana&gt;');
    expect(mail.text).toContain('Canadá');
  });

  it('writes an English cancellation with the place in the reader language', () => {
    const mail = trainingMail(
      input({
        kind: 'cancel',
        locale: 'en',
        timezone: 'America/Mexico_City',
        location: { city: 'Oaxaca', country: { en: 'Mexico', es: 'México' } },
        daysBefore: undefined,
      }),
    );
    expect(mail.subject).toBe('Cancelled: Consular assistance to minors');
    expect(mail.text).toContain('Oaxaca, Mexico');
    expect(mail.text).toContain('March 10, 2027 at 9:00');
  });
});
