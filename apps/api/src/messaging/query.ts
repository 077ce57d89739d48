import { invalid } from '#domain';

/** A whole-number query parameter, 400 with the field when it is not one. */
export function intQuery(field: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw invalid(field, {
      en: `must be a whole number of at least ${min}`,
      es: `debe ser un número entero de al menos ${min}`,
    });
  }
  return Number(value);
}
