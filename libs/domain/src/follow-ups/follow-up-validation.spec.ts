import type { ErrorDetail } from '../common/domain-error.js';
import {
  followUpCountries,
  followUpDueAt,
  followUpEscalateEvery,
  followUpReminders,
  followUpTitle,
} from './follow-up-validation.js';

const members = ['GT', 'MX', 'SV'];

describe('follow-up item fields', () => {
  it('takes valid values and reports nothing', () => {
    const errors: ErrorDetail[] = [];
    expect(followUpTitle('  Visa list ', errors)).toBe('Visa list');
    expect(followUpCountries(['MX', 'GT', 'MX'], members, errors)).toEqual(['GT', 'MX']);
    expect(followUpCountries('members', members, errors)).toEqual(members);
    expect(followUpReminders(['-P7D', 'PT0S'], errors)).toEqual(['-P7D', 'PT0S']);
    expect(followUpEscalateEvery('P3D', errors)).toBe('P3D');
    const now = new Date('2026-01-01T00:00:00Z');
    expect(followUpDueAt('2026-03-01T17:00:00-06:00', now, errors)?.toISOString()).toBe(
      '2026-03-01T23:00:00.000Z',
    );
    expect(errors).toEqual([]);
  });

  it('explains each problem in English and Spanish, listing the member countries', () => {
    const errors: ErrorDetail[] = [];
    followUpCountries(['XX'], members, errors);
    followUpReminders(['-P7D', '-P7D', 'soon'], errors);
    followUpEscalateEvery('-P1D', errors);
    followUpDueAt('2025-01-01T00:00:00Z', new Date('2026-01-01T00:00:00Z'), errors);
    expect(errors).toEqual([
      {
        field: 'countries',
        message: 'XX is not the code of a member country (GT, MX, SV)',
        es: 'XX no es el código de un país miembro (GT, MX, SV)',
      },
      { field: 'reminders', message: '-P7D appears twice', es: '-P7D aparece dos veces' },
      {
        field: 'reminders',
        message: 'soon is not an ISO 8601 duration such as -P7D, -PT2S or PT0S',
        es: 'soon no es una duración ISO 8601 como -P7D, -PT2S o PT0S',
      },
      {
        field: 'escalateEvery',
        message: 'must be a positive ISO 8601 duration from PT1S to P1Y, e.g. P3D',
        es: 'debe ser una duración ISO 8601 positiva de PT1S a P1Y, p. ej. P3D',
      },
      { field: 'dueAt', message: 'must be in the future', es: 'debe estar en el futuro' },
    ]);
  });
});
