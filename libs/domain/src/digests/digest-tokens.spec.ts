import { hashConfirmToken, newConfirmToken, UnsubscribeTokens } from './digest-tokens.js';

const id = '0b6f7a52-5f0c-4c51-9a43-0f5d2c1b9e11';

describe('digest tokens', () => {
  const tokens = new UnsubscribeTokens('a-secret-that-is-long-enough-for-hs256-000000');

  it('verifies its own unsubscribe tokens and nothing else', () => {
    const t = tokens.sign(id);
    expect(tokens.verify(t)).toBe(id);
    const [, mac] = t.split('.');
    const flipped = mac[0] === 'A' ? 'B' + mac.slice(1) : 'A' + mac.slice(1);
    expect(tokens.verify(`${id}.${flipped}`)).toBeNull();
    expect(tokens.verify(`${id.replace('0b', '1b')}.${mac}`)).toBeNull();
    expect(tokens.verify(`${t}.x`)).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify(42)).toBeNull();
    expect(new UnsubscribeTokens('another-secret-that-is-long-enough-0000000').verify(t)).toBeNull();
  });

  it('stores confirmation tokens as hashes', () => {
    const { token, hash } = newConfirmToken();
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(hash).toBe(hashConfirmToken(token));
    expect(hash).not.toContain(token);
  });
});
