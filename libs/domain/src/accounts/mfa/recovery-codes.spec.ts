import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';
import { SecretBox } from './secret-box.js';

describe('recovery codes', () => {
  it('are ten distinct 80-bit codes that normalise whatever the case, spaces and dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const n = normalizeRecoveryCode(codes[0])!;
    expect(normalizeRecoveryCode(` ${codes[0].toUpperCase().replace(/-/g, ' ')} `)).toBe(n);
    expect(hashRecoveryCode(n)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(n)).not.toContain(n);
  });

  it('refuse what cannot be a code', () => {
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode('abcd-efgh-ijkl-mnop')).toBeNull(); // i and l are not in the alphabet
    expect(normalizeRecoveryCode('x'.repeat(200))).toBeNull();
  });
});

describe('SecretBox (AES-256-GCM, key by HKDF from the service secret)', () => {
  const box = new SecretBox('a'.repeat(48));

  it('round-trips, never stores the plain text, and uses a fresh IV each time', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses an altered value or another key', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(box.open([parts[0], parts[1], parts[2], flipped.toString('base64url')].join('.'))).toBeNull();
    expect(new SecretBox('b'.repeat(48)).open(sealed)).toBeNull();
    expect(box.open('garbage')).toBeNull();
  });
});
