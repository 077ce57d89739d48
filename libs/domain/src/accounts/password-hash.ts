import { type Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Password hashes: argon2id (OWASP parameters) as PHC strings, through `@node-rs/argon2` (prebuilt binaries, no install
 * script, no compiler). Hashes written by the `argon2` package before the switch verify unchanged.
 */
const ARGON2ID = 2 as Algorithm.Argon2id; // `Algorithm` is an ambient const enum, which isolatedModules cannot read

export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False (never a throw) for a wrong password or a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
