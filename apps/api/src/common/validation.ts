import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { type ClassConstructor, plainToInstance } from 'class-transformer';
import {
  buildMessage,
  ValidateBy,
  validateSync,
  type ValidationOptions,
  type ValidatorOptions,
} from 'class-validator';
import {
  countryCodeHint,
  MEMBER_COUNTRY_CODES,
  RCM_COUNTRY_CODES,
  ValidationFailed,
  type ErrorDetail,
} from '#domain';
import { fastValidate } from './fast-validation.js';
import { forbiddenKeyPath } from './http-hardening.js';

/**
 * The one validation of request bodies and socket payloads: the same DTO classes, the same options (unknown fields
 * refused) and the same wording, in English and Spanish, whichever transport the input came by.
 */
const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
};

type Wording = (english: string) => { en: string; es: string };

const REQUIRED = { en: 'is required', es: 'es obligatorio' };

const number = (text: string) => text.match(/-?\d+(\.\d+)?/)?.[0] ?? '';
const afterColon = (text: string) => text.slice(text.indexOf(':') + 1).trim();

/** Spanish for class-validator's constraints, by constraint name; the English is class-validator's own text. */
const WORDING: Record<string, Wording> = {
  isString: () => ({ en: 'must be a string', es: 'debe ser un texto' }),
  isBoolean: () => ({ en: 'must be true or false', es: 'debe ser true o false' }),
  isInt: () => ({ en: 'must be a whole number', es: 'debe ser un número entero' }),
  isNumber: () => ({ en: 'must be a number', es: 'debe ser un número' }),
  isArray: () => ({ en: 'must be a list', es: 'debe ser una lista' }),
  isObject: () => ({ en: 'must be an object', es: 'debe ser un objeto' }),
  isUuid: () => ({ en: 'must be an id (UUID)', es: 'debe ser un identificador (UUID)' }),
  isEmail: () => ({ en: 'must be an email address', es: 'debe ser una dirección de correo electrónico' }),
  isNotEmpty: () => ({ en: 'must not be empty', es: 'no debe estar vacío' }),
  isDateString: () => ({
    en: 'must be an ISO 8601 date and time',
    es: 'debe ser una fecha y hora ISO 8601',
  }),
  isIn: (en) => ({ en: `must be one of: ${afterColon(en)}`, es: `debe ser uno de: ${afterColon(en)}` }),
  min: (en) => ({ en: `must not be less than ${number(en)}`, es: `no debe ser menor que ${number(en)}` }),
  max: (en) => ({ en: `must not be greater than ${number(en)}`, es: `no debe ser mayor que ${number(en)}` }),
  minLength: (en) => ({
    en: `must be at least ${number(en)} characters`,
    es: `debe tener al menos ${number(en)} caracteres`,
  }),
  maxLength: (en) => ({
    en: `must be at most ${number(en)} characters`,
    es: `debe tener como máximo ${number(en)} caracteres`,
  }),
  arrayMaxSize: (en) => ({
    en: `must list at most ${number(en)} items`,
    es: `debe tener como máximo ${number(en)} elementos`,
  }),
  arrayMinSize: (en) => ({
    en: `must list at least ${number(en)} items`,
    es: `debe tener al menos ${number(en)} elementos`,
  }),
  isMemberCountryCode: () => countryCodeHint('member'),
  isRcmCountryCode: () => countryCodeHint('rcm'),
  isCalendarDate: () => ({ en: 'must be a date (YYYY-MM-DD)', es: 'debe ser una fecha (AAAA-MM-DD)' }),
  isDefined: () => REQUIRED,
  nestedValidation: () => ({ en: 'must be a list of objects', es: 'debe ser una lista de objetos' }),
  whitelistValidation: () => ({ en: 'is not a known field', es: 'no es un campo conocido' }),
  unknownValue: () => ({ en: 'must be an object', es: 'debe ser un objeto' }),
};

/**
 * The project's wording of one class-validator message, in English and Spanish: `must be a string` after the field,
 * `each value must be …` for a list.
 */
function wordingOf(name: string, text: string, property: string): { message: string; es: string } {
  const each = `each value in ${property} `;
  const known = WORDING[name];
  if (name === 'whitelistValidation') {
    const w = known(text);
    return { message: w.en, es: w.es };
  }
  if (known && text.startsWith(each)) {
    const w = known(text.slice(each.length));
    return { message: `each value ${w.en}`, es: `cada valor ${w.es}` };
  }
  if (known && text.startsWith(`${property} `)) {
    const w = known(text.slice(property.length + 1));
    return { message: w.en, es: w.es };
  }
  // A constraint without a Spanish wording here (add it to WORDING): the English text for both.
  const english = text.startsWith(`${property} `) ? text.slice(property.length + 1) : text;
  return { message: english, es: english };
}

/** A detail for each problem of a class-validator result, with the field's path (`memberships.0.role`). */
export function validationDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = Object.entries(e.constraints ?? {});
    if (constraints.length && e.value === undefined && !('whitelistValidation' in (e.constraints ?? {}))) {
      out.push({ field, message: REQUIRED.en, es: REQUIRED.es });
    } else {
      for (const [name, text] of constraints) out.push({ field, ...wordingOf(name, text, e.property) });
    }
    if (e.children?.length) out.push(...validationDetails(e.children, field));
  }
  return out;
}

/**
 * Checks a socket payload (or any plain value) against a DTO class exactly as the HTTP pipe checks a body, and
 * returns the DTO instance; throws ValidationFailed with the same details otherwise. The caller's transport puts the
 * details in the caller's language.
 */
export function validatePayload<T extends object>(dto: ClassConstructor<T>, value: unknown): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationFailed([
      { field: 'payload', message: 'must be an object', es: 'debe ser un objeto' },
    ]);
  }
  // `__proto__`, `constructor` or `prototype` keys (JSON may carry them as own keys) name no field, at any depth:
  // refused before anything reads them, as the HTTP middleware refuses them in a body.
  const forbidden = forbiddenKeyPath(value);
  if (forbidden) {
    throw new ValidationFailed([
      { field: forbidden, message: 'is not a known field', es: 'no es un campo conocido' },
    ]);
  }
  return fastValidate(dto, value as Record<string, unknown>) ?? validateFully(dto, value);
}

/** class-transformer and class-validator on a plain object: the instance, or ValidationFailed with every detail. */
export function validateFully<T extends object>(dto: ClassConstructor<T>, value: object): T {
  const instance = plainToInstance(dto, value);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length) throw new ValidationFailed(validationDetails(errors));
  return instance;
}

/** Unknown fields are rejected; every problem is reported with its field. */
export const validationPipe = new ValidationPipe({
  ...VALIDATOR_OPTIONS,
  transform: true,
  exceptionFactory: (errors) => new ValidationFailed(validationDetails(errors)),
});

/**
 * A country code: `member` (the 11 member countries) or `rcm` (members and observers). The error lists the valid codes.
 */
export function IsCountryCode(which: 'member' | 'rcm', options?: ValidationOptions): PropertyDecorator {
  const codes: readonly string[] = which === 'member' ? MEMBER_COUNTRY_CODES : RCM_COUNTRY_CODES;
  return ValidateBy(
    {
      name: which === 'member' ? 'isMemberCountryCode' : 'isRcmCountryCode',
      validator: {
        validate: (value) => typeof value === 'string' && codes.includes(value),
        defaultMessage: buildMessage((each) => `${each}$property ${countryCodeHint(which).en}`, options),
      },
    },
    options,
  );
}

/** A calendar date, `YYYY-MM-DD` (PPT terms, Work Plan target dates). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
        defaultMessage: buildMessage((each) => `${each}$property must be a date (YYYY-MM-DD)`, options),
      },
    },
    options,
  );
}
