import { ValidationFailed, type ErrorDetail } from '../common/domain-error.js';
import {
  sameSet,
  validateCaseFilter,
  validateCasePatch,
  validateOpenCase,
  validCountries,
  type OpenCaseInput,
} from './case-validation.js';

const known = new Set(['GT', 'MX', 'SV', 'HN', 'US']);
const open = (over: Partial<OpenCaseInput> = {}): OpenCaseInput => ({
  title: '  Group held at the border ',
  type: 'migrant-smuggling',
  handling: 'network',
  countries: ['MX'],
  summary: ' Twelve people, two minors. ',
  ...over,
});
const details = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationFailed);
    return (e as ValidationFailed).details;
  }
  throw new Error('expected a validation error');
};

describe('opening a case', () => {
  it('trims the texts and lists the opener country first, once', () => {
    const v = validateOpenCase('smuggling-trafficking', open({ countries: ['MX', 'GT', 'MX'] }), 'GT', known);
    expect(v).toEqual({
      title: 'Group held at the border',
      summary: 'Twelve people, two minors.',
      countries: ['GT', 'MX'],
    });
  });

  it('lists every problem at once, in field order', () => {
    const d = details(() =>
      validateOpenCase(
        'smuggling-trafficking',
        { title: ' ', type: 'nope', handling: 'secret' as never, countries: 'GT' as never, summary: '' },
        'GT',
        known,
      ),
    );
    expect(d?.map((x) => x.field)).toEqual(['title', 'type', 'handling', 'summary', 'countries']);
    expect(d?.[1].message).toBe('must be one of migrant-smuggling, trafficking-in-persons, undetermined');
  });

  it('names the other network when a type belongs to it (the Palermo terms never mix with consular cases)', () => {
    const d = details(() => validateOpenCase('consular-protection', open(), 'GT', known));
    expect(d?.[0]).toEqual({
      field: 'type',
      message:
        'migrant-smuggling is a type of the smuggling-trafficking network; in consular-protection use one of ' +
        'detention, return, unaccompanied-minor, death-repatriation, travel-documents, other',
      es:
        'migrant-smuggling es un tipo de la red smuggling-trafficking; en consular-protection use uno de: ' +
        'detention, return, unaccompanied-minor, death-repatriation, travel-documents, other',
    });
  });

  it('refuses NUL characters and texts over their limits', () => {
    const d = details(() =>
      validateOpenCase(
        'smuggling-trafficking',
        open({ title: 'a\u0000b', summary: 'x'.repeat(10_001) }),
        'GT',
        known,
      ),
    );
    expect(d?.map((x) => x.field)).toEqual(['title', 'summary']);
  });
});

describe('country lists', () => {
  it('names the codes that are not RCM countries and caps the length', () => {
    const out: ErrorDetail[] = [];
    expect(validCountries('countries', ['GT', 'XX', 'GT', 'ZZ'], known, out)).toEqual(['GT', 'XX', 'ZZ']);
    expect(out).toEqual([
      {
        field: 'countries',
        message: 'has codes that are not RCM countries: XX, ZZ (valid codes: GT, HN, MX, SV, US)',
        es: 'tiene códigos que no son países de la CRM: XX, ZZ (códigos válidos: GT, HN, MX, SV, US)',
      },
    ]);
    const many: ErrorDetail[] = [];
    validCountries(
      'countries',
      Array.from({ length: 31 }, (_, i) => `C${i}`),
      new Set(),
      many,
    );
    expect(many.map((x) => x.message)).toContain('must list at most 30 countries');
  });

  it('wants a list of strings', () => {
    const out: ErrorDetail[] = [];
    expect(validCountries('countries', [1], known, out)).toEqual([]);
    expect(out[0].message).toBe('must be a list of country codes such as ["GT","MX"]');
  });
});

describe('changing a case', () => {
  const before = {
    status: 'open' as const,
    handling: 'network' as const,
    countries: ['GT', 'MX'],
    assigneeIds: [],
    openerCountry: 'GT',
  };
  const A = '11111111-1111-4111-8111-111111111111';

  it('applies what the patch sets and keeps the rest', () => {
    expect(validateCasePatch(before, { status: 'resolved', assignees: [A, A] }, known)).toEqual({
      status: 'resolved',
      handling: 'network',
      countries: ['GT', 'MX'],
      assigneeIds: [A],
    });
  });

  it('follows the status workflow', () => {
    const closed = { ...before, status: 'closed' as const };
    expect(details(() => validateCasePatch(closed, { status: 'resolved' }, known))).toEqual([
      {
        field: 'status',
        message: 'cannot go from closed to resolved',
        es: 'no puede pasar de closed a resolved',
      },
    ]);
    expect(validateCasePatch(closed, { status: 'open' }, known).status).toBe('open');
  });

  it("keeps the opener's country listed", () => {
    expect(details(() => validateCasePatch(before, { countries: ['MX'] }, known))).toEqual([
      {
        field: 'countries',
        message: 'must keep GT, the country of the officer who opened the case',
        es: 'debe mantener GT, el país del oficial que abrió el caso',
      },
    ]);
  });

  it('wants assignees as at most 50 user ids, and a known handling', () => {
    const d = details(() =>
      validateCasePatch(before, { handling: 'everyone', assignees: ['not-an-id'] }, known),
    );
    expect(d).toEqual([
      { field: 'handling', message: 'must be network or involved', es: 'debe ser network o involved' },
      {
        field: 'assignees',
        message: 'must be a list of at most 50 user ids',
        es: 'debe ser una lista de 50 identificadores de usuario como máximo',
      },
    ]);
  });
});

describe('case listing filter and sets', () => {
  it('checks status and country', () => {
    expect(() => validateCaseFilter({ status: 'open', country: 'GT' })).not.toThrow();
    expect(details(() => validateCaseFilter({ status: 'gone', country: 'gt' }))?.map((d) => d.field)).toEqual(
      ['status', 'country'],
    );
  });

  it('compares sets whatever the order', () => {
    expect(sameSet(['GT', 'MX'], ['MX', 'GT'])).toBe(true);
    expect(sameSet(['GT'], ['GT', 'MX'])).toBe(false);
  });
});
