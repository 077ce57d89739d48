import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { AuditService, type RequestContext } from '../audit/audit.service.js';
import { DomainError, NotAuthenticated, RateLimited } from '../common/domain-error.js';
import { DomainEvents } from '../common/domain-events.js';
import { accountDisabled } from './account.errors.js';
import { AccountsRepository } from './accounts.repository.js';
import { normalizeEmail } from './accounts.service.js';
import { LoginThrottleRepository } from './login-throttle.repository.js';
import { MfaChallengesService } from './mfa/mfa-challenges.service.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import type { Principal } from './principal.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

interface AccessClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const invalidCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 401, {
    en: 'The email or the password is not right.',
    es: 'Correo electrónico o contraseña incorrectos.',
  });
const invalidToken = () =>
  new NotAuthenticated(
    { en: 'The token is not valid or has expired.', es: 'El token no es válido o ha expirado.' },
    'INVALID_TOKEN',
  );

@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly jwt: JwtService,
    private readonly repo: AccountsRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly throttle: LoginThrottleRepository,
    private readonly challenges: MfaChallengesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  async login(ctx: RequestContext & { userAgent?: string }, emailInput: string, password: string) {
    const email = normalizeEmail(emailInput);
    // Counted before the password is checked (one atomic statement), so parallel guesses cannot slip past the limit.
    const decision = await this.throttle.attempt(email, ctx.ip, this.clock.now());
    if (!decision.allowed) {
      await this.audit.record(ctx, { action: 'auth.login.throttled', targetType: 'email', targetId: email });
      throw new RateLimited(decision.retryAfterSeconds, {
        en: 'Too many failed logins; try again later.',
        es: 'Demasiados inicios de sesión fallidos; inténtelo más tarde.',
      });
    }
    const found = await this.repo.credentialsByEmail(email);
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    const ok = await verifyPassword(found?.passwordHash ?? (await this.dummyHash), password);
    if (!found || !ok) {
      await this.audit.record(ctx, {
        action: 'auth.login.failed',
        targetType: 'email',
        targetId: email,
        details: { reason: !found ? 'unknown-email' : 'wrong-password' },
      });
      throw invalidCredentials();
    }
    if (found.disabledAt) {
      // Only after a correct password: a wrong one stays INVALID_CREDENTIALS, so this says nothing to a guesser.
      await this.audit.record(ctx, {
        action: 'auth.login.failed',
        targetType: 'email',
        targetId: email,
        details: { reason: 'disabled' },
      });
      throw accountDisabled();
    }
    await this.throttle.succeeded(email, ctx.ip, this.clock.now());
    const methods = await this.challenges.methods(found.id);
    if (methods.length) {
      const mfaToken = await this.challenges.issue(found.id);
      await this.audit.record(
        { ...ctx, actorId: found.id },
        { action: 'auth.login.second-factor', targetType: 'user', targetId: found.id },
      );
      return { mfaRequired: true as const, mfaToken, methods };
    }
    return this.startSession(ctx, found.id, 'password');
  }

  /**
   * Opens a session and issues its token pair: the one way in, after a password alone (no second factor on),
   * after the second factor (`/api/auth/mfa`), or with a passkey. Null user (disabled or gone) → 401.
   */
  async startSession(
    ctx: RequestContext & { userAgent?: string },
    userId: string,
    method: 'password' | 'totp' | 'recovery-code' | 'passkey',
  ): Promise<TokenPair & { user: Principal }> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + this.config.refreshTokenTtlSeconds * 1000);
    const [session] = await this.dataSource.query(
      `INSERT INTO auth_sessions (user_id, token_hash, expires_at, ip, user_agent, created_at, last_used_at)
       SELECT id, $2, $3, $4, $5, $6, $6 FROM users WHERE id = $1 AND disabled_at IS NULL RETURNING id`,
      [
        userId,
        sha256(secret),
        expiresAt,
        ctx.ip ?? null,
        ctx.userAgent?.slice(0, 300) ?? null,
        this.clock.now(),
      ],
    );
    if (!session) throw invalidCredentials();
    await this.audit.record(
      { ...ctx, actorId: userId },
      {
        action: 'auth.login',
        targetType: 'user',
        targetId: userId,
        details: { sessionId: session.id, method },
      },
    );
    const user = (await this.repo.principalForSession(userId, session.id, this.clock.now()))!;
    return { ...this.issue(userId, session.id, secret), user };
  }

  private issue(userId: string, sessionId: string, secret: string): TokenPair {
    const claims: AccessClaims = { sub: userId, sid: sessionId, typ: 'access' };
    const iat = this.nowSeconds();
    const accessToken = this.jwt.sign(
      { ...claims, iat, exp: iat + this.config.accessTokenTtlSeconds },
      { secret: this.config.jwtSecret, algorithm: 'HS256' },
    );
    return {
      accessToken,
      refreshToken: `${sessionId}.${secret}`,
      expiresIn: this.config.accessTokenTtlSeconds,
    };
  }

  private parseRefresh(token: unknown): { sessionId: string; secret: string } {
    if (typeof token !== 'string') throw invalidToken();
    const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!m) throw invalidToken();
    return { sessionId: m[1], secret: m[2] };
  }

  /** Rotation with reuse detection: presenting a refresh token that was already rotated revokes the whole session. */
  async refresh(ctx: RequestContext, refreshToken: string) {
    const { sessionId, secret } = this.parseRefresh(refreshToken);
    const [session] = await this.dataSource.query(
      `SELECT id, user_id AS "userId", token_hash AS "tokenHash", revoked_at AS "revokedAt", expires_at AS "expiresAt"
         FROM auth_sessions WHERE id = $1`,
      [sessionId],
    );
    if (!session || session.revokedAt || new Date(session.expiresAt) <= this.clock.now())
      throw invalidToken();
    const presented = Buffer.from(sha256(secret));
    if (!timingSafeEqual(presented, Buffer.from(session.tokenHash))) {
      // Only a real, earlier-rotated token of this session is reuse (a stolen token raced its owner); anything else
      // is merely invalid, so knowing a session id is not enough to end that session.
      if (await this.repo.wasRotated(sessionId, sha256(secret))) {
        await this.revoke(sessionId, 'refresh-token-reuse');
        await this.audit.record(
          { ...ctx, actorId: session.userId },
          { action: 'auth.refresh.reuse', targetType: 'session', targetId: sessionId },
        );
      } else {
        await this.audit.record(
          { ...ctx, actorId: null },
          { action: 'auth.refresh.invalid', targetType: 'session', targetId: sessionId },
        );
      }
      throw invalidToken();
    }
    const next = randomBytes(32).toString('base64url');
    const rotated = await this.repo.rotateRefreshToken(
      sessionId,
      session.tokenHash,
      sha256(next),
      this.clock.now(),
    );
    if (!rotated) {
      // Rotated concurrently by someone else holding the same token: treat as reuse.
      await this.revoke(sessionId, 'refresh-token-reuse');
      throw invalidToken();
    }
    await this.audit.record(
      { ...ctx, actorId: session.userId },
      { action: 'auth.refresh', targetType: 'session', targetId: sessionId },
    );
    const user = await this.repo.principalForSession(session.userId, sessionId, this.clock.now());
    if (!user) throw invalidToken();
    return { ...this.issue(session.userId, sessionId, next), user };
  }

  async logout(ctx: RequestContext, refreshToken: string): Promise<void> {
    const { sessionId, secret } = this.parseRefresh(refreshToken);
    const [session] = await this.dataSource.query(
      `SELECT user_id AS "userId", token_hash AS "tokenHash" FROM auth_sessions WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId],
    );
    if (!session || session.tokenHash !== sha256(secret)) throw invalidToken();
    await this.revoke(sessionId, 'logout');
    await this.audit.record(
      { ...ctx, actorId: session.userId },
      { action: 'auth.logout', targetType: 'session', targetId: sessionId },
    );
  }

  /** Revokes a session; its access tokens stop working at once and its live sockets are ended (every process). */
  private async revoke(sessionId: string, reason: string): Promise<void> {
    const revoked = await this.dataSource.query(
      `UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3
        WHERE id = $1 AND revoked_at IS NULL RETURNING user_id AS "userId"`,
      [sessionId, this.clock.now(), reason],
    );
    const rows: Array<{ userId: string }> = Array.isArray(revoked[0]) ? revoked[0] : revoked;
    if (rows.length) this.events.publish('access.changed', { userIds: [rows[0].userId] });
  }

  /** Verifies an access token (signature, expiry by the injected clock) and loads the caller of that live session. */
  async authenticate(token: string | undefined): Promise<Principal & { tokenExpiresAt: number }> {
    if (!token) throw new NotAuthenticated();
    let claims: AccessClaims & { exp: number };
    try {
      claims = this.jwt.verify(token, {
        secret: this.config.jwtSecret,
        algorithms: ['HS256'],
        clockTimestamp: this.nowSeconds(),
      });
    } catch {
      throw invalidToken();
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string')
      throw invalidToken();
    if (!/^[0-9a-f-]{36}$/.test(claims.sub) || !/^[0-9a-f-]{36}$/.test(claims.sid)) throw invalidToken();
    const principal = await this.repo.principalForSession(claims.sub, claims.sid, this.clock.now());
    if (!principal) throw invalidToken();
    return { ...principal, tokenExpiresAt: claims.exp * 1000 };
  }
}
