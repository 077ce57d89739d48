import ICAL from 'ical.js';
import type { ErrorDetail } from '../common/domain-error.js';
import { parseMailbox, trainingCalendar } from './training-calendar.js';
import { parseEventTime, topicKey, validateEvent, validateNeeds } from './training.rules.js';
import type { TrainingEventRow } from './training.types.js';

const ref = {
  networks: new Set(['smuggling-trafficking', 'consular-protection']),
  countries: new Set(['MX', 'GT', 'CA', 'US']),
  sponsors: new Set(['MX', 'GT', 'CA', 'US', 'IOM']),
};

const valid = {
  networks: ['smuggling-trafficking'],
  kind: 'course',
  title: { en: 'Consular assistance to minors', es: 'Asistencia consular a menores' },
  description: { en: 'Two days.', es: 'Dos días.' },
  sponsors: ['CA', 'IOM'],
  startsAt: '2027-03-10T09:00',
  endsAt: '2027-03-10T13:00',
  timezone: 'America/Mexico_City',
  location: { url: 'https://meet.example.org/rcm' },
  audience: 'officers',
};

describe('training rules', () => {
  it('reads a time without offset in the event zone, and one with an offset as given', () => {
    expect(parseEventTime('2027-03-10T09:00', 'America/Mexico_City')!.toISOString()).toBe(
      '2027-03-10T15:00:00.000Z',
    );
    expect(parseEventTime('2027-07-01T09:00', 'America/New_York')!.toISOString()).toBe(
      '2027-07-01T13:00:00.000Z',
    );
    expect(parseEventTime('2027-03-10T09:00:00-06:00', 'Europe/Madrid')!.toISOString()).toBe(
      '2027-03-10T15:00:00.000Z',
    );
    expect(parseEventTime('2027-03-10T09:00Z', undefined)!.toISOString()).toBe('2027-03-10T09:00:00.000Z');
    for (const bad of ['tomorrow', '2027-02-30T09:00', '2027-03-10', 42, null, '2027-03-10T09:00'])
      expect(parseEventTime(bad, bad === '2027-03-10T09:00' ? undefined : 'UTC')).toBeUndefined();
  });

  it('accepts a whole event and normalises it', () => {
    const errors: ErrorDetail[] = [];
    const f = validateEvent(valid, ref, errors);
    expect(errors).toEqual([]);
    expect(f.startsAt.toISOString()).toBe('2027-03-10T15:00:00.000Z');
    expect(f.location).toEqual({ url: 'https://meet.example.org/rcm' });
    expect(f.capacity).toBeNull();
  });

  it('names every wrong field', () => {
    const errors: ErrorDetail[] = [];
    validateEvent(
      {
        ...valid,
        networks: ['nope'],
        title: { en: 'x', es: 'y', fr: 'z' },
        startsAt: '2027-03-10T13:00',
        endsAt: '2027-03-10T09:00',
        registrationDeadline: '2027-03-11T00:00',
        location: { city: 'Oaxaca', country: 'XX' },
        capacity: 1.5,
      },
      ref,
      errors,
    );
    expect(errors.map((e) => e.field).sort()).toEqual(
      ['capacity', 'endsAt', 'location.country', 'networks', 'registrationDeadline', 'title'].sort(),
    );
  });

  it('words every problem in English and in Spanish', () => {
    const errors: ErrorDetail[] = [];
    validateEvent(
      {
        networks: [],
        kind: 'party',
        title: 'x',
        description: { en: 'x'.repeat(10_001), es: '' },
        sponsors: ['ZZ'],
        startsAt: 'soon',
        endsAt: '2027-03-10T09:00',
        timezone: 'Mars/Olympus',
        location: { url: 'ftp://x' },
        audience: 'everyone',
        capacity: 0,
      },
      ref,
      errors,
    );
    validateEvent(
      { ...valid, endsAt: '2027-03-10T08:00', location: { city: '', country: 'XX' } },
      ref,
      errors,
    );
    validateNeeds({ needs: [1, { topic: { en: 'a', es: 'b' }, priority: 'x' }], offers: [2] }, errors);
    validateNeeds({ needs: 'x', offers: [] }, errors);
    expect(errors.length).toBeGreaterThan(15);
    for (const e of errors) {
      expect(e.es).toMatch(/^(debe|no debe) /);
      expect(e.es).not.toBe(e.message);
    }
  });

  it('checks needs and offers, and matches topics across wording', () => {
    const errors: ErrorDetail[] = [];
    validateNeeds(
      { needs: [{ topic: { en: 'A', es: 'B' }, priority: 'high', extra: 1 }], offers: 'x' },
      errors,
    );
    expect(errors.map((e) => e.field)).toEqual(['needs.0', 'needs.0.topic', 'needs.0.priority', 'offers']);
    expect(topicKey('  Identificación de   Víctimas!')).toBe(topicKey('identificacion de victimas'));
  });
});

describe('training calendar', () => {
  const event: TrainingEventRow = {
    id: '0b6d3f7e-52c1-4a34-9f0e-2f1f8d1f5c01',
    ...(validateEvent(valid, ref, []) as any),
    status: 'cancelled',
    sequence: 3,
    reminderVersion: 1,
    scheduledAt: null,
    createdBy: null,
    createdAt: new Date('2027-01-01T00:00:00Z'),
    updatedAt: new Date('2027-01-02T00:00:00Z'),
    publishedAt: new Date('2027-01-01T00:00:00Z'),
    cancelledAt: new Date('2027-01-02T00:00:00Z'),
    networkIds: ['n1'],
  };

  it('writes UTC times, a stable UID, SEQUENCE, STATUS and the organizer of a CANCEL', () => {
    const text = trainingCalendar([event], {
      method: 'CANCEL',
      locale: 'es',
      publicUrl: 'https://enlace.example.org',
      organizer: parseMailbox('Enlace <no-reply@enlace.example.org>'),
      attendee: { name: 'Ana', email: 'ana@example.org' },
    });
    expect(text).toContain('DTSTART:20270310T150000Z');
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    const v = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    expect(v.uid).toBe(`training-${event.id}@enlace`);
    expect(v.sequence).toBe(3);
    expect(v.summary).toBe('Asistencia consular a menores');
    expect(v.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(String(v.component.getFirstPropertyValue('organizer'))).toBe('mailto:no-reply@enlace.example.org');
  });
});
