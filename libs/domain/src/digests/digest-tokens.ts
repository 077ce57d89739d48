import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UUID } from '../messaging/message-rules.js';

/**
 * Signed unsubscribe tokens: `<subscription id>.<HMAC-SHA256>` with a key derived from the JWT secret for this one
 * purpose (so a token is never a valid JWT signature and rotating JWT_SECRET retires every link). No state: the
 * link works for as long as the subscription exists, and an altered token is simply not found.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('enlace/digest-unsubscribe/v1').digest();
  }

  sign(subscriptionId: string): string {
    return `${subscriptionId}.${this.mac(subscriptionId)}`;
  }

  /** The subscription id of a genuine token; null for anything else. */
  verify(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const [id, mac, extra] = token.split('.');
    if (extra !== undefined || !id || !mac || !UUID.test(id)) return null;
    const expected = Buffer.from(this.mac(id));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id.toLowerCase() : null;
  }

  private mac(id: string): string {
    return createHmac('sha256', this.key).update(id.toLowerCase()).digest('base64url');
  }
}

/** Confirmation tokens are random; only their hash is stored. */
export function newConfirmToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashConfirmToken(token) };
}

export function hashConfirmToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
