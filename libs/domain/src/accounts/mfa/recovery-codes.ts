import { createHash, randomInt } from 'node:crypto';

/** Crockford-style base32 without look-alikes (no i, l, o, u): 16 characters carry 80 bits. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RECOVERY_CODE_COUNT = 10;

/** Ten fresh codes as shown to the person, `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** A typed code as stored: case, spaces and dashes ignored. Null when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | null {
  const s = input.toLowerCase().replace(/[\s-]/g, '');
  return /^[0-9a-hjkmnp-tv-z]{16}$/.test(s) ? s : null;
}

/** Stored hashed: 80 random bits need no slow hash (a leaked table cannot be reversed by guessing). */
export const hashRecoveryCode = (normalized: string) =>
  createHash('sha256').update(`enlace-recovery:${normalized}`).digest('hex');
