import {
  Conflict,
  DomainError,
  invalid,
  NotAllowed,
  NotAuthenticated,
  NotFound,
  RateLimited,
  ValidationFailed,
} from './domain-error.js';
import { DeliveryBusy } from '../digests/digest-cycle.service.js';
import { InvalidToken } from '../digests/digest-subscriptions.service.js';
import {
  OutsideAudience,
  RegistrationClosed,
  TrainingAlreadyPublished,
  TrainingEventNotFound,
  TrainingNotOpen,
} from '../training/training.errors.js';
import { domainErrorBody, localizeError } from './i18n.js';

describe('domain errors in English and Spanish', () => {
  it('every default message exists in both languages', () => {
    const defaults: DomainError[] = [
      new ValidationFailed([]),
      new NotAuthenticated(),
      new NotAllowed(),
      new NotFound(),
      new RateLimited(1),
    ];
    for (const e of defaults) {
      expect(e.message).toMatch(/\.$/);
      expect(e.es).toMatch(/\.$/);
      expect(e.es).not.toBe(e.message);
    }
  });

  it('keeps the specific explanation in Spanish (not the generic sentence of the code)', () => {
    const e = new NotAllowed({
      en: 'Only officers of the network open cases.',
      es: 'Solo los oficiales de la red abren casos.',
    });
    expect(domainErrorBody(e, 'es')).toEqual({
      code: 'FORBIDDEN',
      message: 'Solo los oficiales de la red abren casos.',
    });
    expect(domainErrorBody(e, 'en').message).toBe('Only officers of the network open cases.');
    expect(domainErrorBody(e, 'es').message).not.toBe(localizeError('FORBIDDEN', e.message, 'es'));
  });

  it('names what was not found in both languages', () => {
    expect([new NotFound('case').message, new NotFound('case').es]).toEqual([
      'The case was not found.',
      'No se encontró el caso.',
    ]);
    expect(new NotFound('Work Plan activity').es).toBe('No se encontró la actividad del Plan de Trabajo.');
  });

  it('the training and digest errors carry their own Spanish text', () => {
    const errors: DomainError[] = [
      new TrainingEventNotFound(),
      new RegistrationClosed(),
      new TrainingNotOpen('cancelled'),
      new TrainingNotOpen('draft'),
      new TrainingAlreadyPublished(),
      new OutsideAudience(),
      new InvalidToken(),
      new DeliveryBusy(),
      new NotFound('subscription'),
      new NotFound('calendar'),
    ];
    for (const e of errors) {
      expect(e.es).toMatch(/\.$/);
      expect(e.es).not.toBe(e.message);
      expect(domainErrorBody(e, 'es').message).toBe(e.es);
    }
    expect(new OutsideAudience().es).toBe(
      'Esta actividad de capacitación está abierta solo a los oficiales de enlace de sus redes.',
    );
    expect(new TrainingNotOpen('cancelled').code).toBe('TRAINING_CANCELLED');
  });

  it("gives each detail in the reader's language", () => {
    const e = new ValidationFailed([
      { field: 'seq', message: 'is required', es: 'es obligatorio' },
      { field: 'body', message: 'must not be empty', es: 'no debe estar vacío' },
    ]);
    expect(domainErrorBody(e, 'es').details).toEqual([
      { field: 'seq', message: 'es obligatorio' },
      { field: 'body', message: 'no debe estar vacío' },
    ]);
    expect(domainErrorBody(e, 'en').details).toEqual([
      { field: 'seq', message: 'is required' },
      { field: 'body', message: 'must not be empty' },
    ]);
    expect(domainErrorBody(invalid('x', { en: 'bad', es: 'malo' }), 'es').details).toEqual([
      { field: 'x', message: 'malo' },
    ]);
    expect(domainErrorBody(new Conflict({ en: 'Taken.', es: 'Ocupado.' }, 'TAKEN'), 'en')).toEqual({
      code: 'TAKEN',
      message: 'Taken.',
    });
  });
});
