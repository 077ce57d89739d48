import { hashPassword, verifyPassword } from './password-hash.js';

describe('password hashes (argon2id through @node-rs/argon2)', () => {
  // written by the `argon2` npm package (0.45, argon2id, m=19456 t=2 p=1) that hashed every password before the switch
  const LEGACY =
    '$argon2id$v=19$m=19456,p=1,t=2$dfQip5XmASsuR7ctE2xoPg$+dd/tw00Xg/tW9ADF+KileBaLw+//cYzCAgLgR6+obs';

  it('verifies a hash written by the argon2 package, and refuses a wrong password', async () => {
    expect(await verifyPassword(LEGACY, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(LEGACY, 'correct horse battery stapl')).toBe(false);
  });

  it('writes argon2id PHC strings with the same parameters, salted', async () => {
    const a = await hashPassword('a-long-password-123');
    const b = await hashPassword('a-long-password-123');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'a-long-password-123')).toBe(true);
  });

  it('answers false for a malformed hash instead of throwing', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
    expect(await verifyPassword('', 'whatever')).toBe(false);
  });
});
