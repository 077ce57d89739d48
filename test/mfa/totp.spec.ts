import { totpAt } from './totp.js';

describe('the test helper computes RFC 6238 codes', () => {
  // RFC 6238 Appendix B, SHA-1 seed "12345678901234567890" (base32 below), last 6 of the 8 digits
  const SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('at %i s: %s', (seconds, code) => {
    expect(totpAt(SEED, seconds * 1000)).toBe(code);
  });
});
