import { Inject, Injectable } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { APP_CONFIG, type AppConfig, Clock } from '#config';
import { AuditService, type RequestContext } from '../../audit/audit.service.js';
import { DomainEvents } from '../../common/domain-events.js';
import { NotFound } from '../../common/domain-error.js';
import { AuthService } from '../auth.service.js';
import type { Principal } from '../principal.js';
import { passkeyRegistrationRejected, passkeyRejected } from './mfa.errors.js';
import { MfaRepository } from './mfa.repository.js';

/** How long registration and sign-in options (their challenge) stay usable. */
export const WEBAUTHN_CHALLENGE_TTL_SECONDS = 5 * 60;
export const PASSKEY_RP_NAME = 'Enlace';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt?: Date | null;
}

/**
 * WebAuthn passkeys through @simplewebauthn/server: the relying party is the host of PUBLIC_URL, the expected
 * origins ALLOWED_ORIGINS. Every challenge is stored server-side with an expiry and taken once (any API process can
 * answer the second request). Registration asks for a discoverable credential with user verification, so a passkey
 * alone signs in (both factors: something held, and a PIN or biometric). Signature counters only move forward.
 */
@Injectable()
export class PasskeysService {
  private readonly rpID: string;
  private readonly origins: string[];

  constructor(
    private readonly repo: MfaRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rpID = new URL(config.publicUrl).hostname;
    this.origins = config.allowedOrigins;
  }

  private expiry() {
    return new Date(this.clock.now().getTime() + WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000);
  }

  list(p: Principal): Promise<PasskeyView[]> {
    return this.repo
      .passkeys(p.id)
      .then((rows) =>
        rows.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt })),
      );
  }

  async registrationOptions(p: Principal) {
    const existing = await this.repo.passkeys(p.id);
    const options = await generateRegistrationOptions({
      rpName: PASSKEY_RP_NAME,
      rpID: this.rpID,
      userName: p.email,
      userDisplayName: p.displayName,
      userID: new TextEncoder().encode(p.id),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.repo.saveWebauthnChallenge(
      options.challenge,
      'registration',
      p.id,
      this.expiry(),
      this.clock.now(),
    );
    return options;
  }

  async register(ctx: RequestContext, p: Principal, response: RegistrationResponseJSON, name?: string) {
    const now = this.clock.now();
    let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>> | null = null;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: (challenge) =>
          this.repo.takeWebauthnChallenge(challenge, 'registration', p.id, now),
        expectedOrigin: this.origins,
        expectedRPID: this.rpID,
        requireUserVerification: true,
      });
    } catch {
      verified = null;
    }
    const credential = verified?.verified ? verified.registrationInfo.credential : null;
    if (!credential || (await this.repo.passkeyByCredentialId(credential.id))) {
      await this.audit.record(ctx, {
        action: 'mfa.passkey.register.failed',
        targetType: 'user',
        targetId: p.id,
      });
      throw passkeyRegistrationRejected();
    }
    const created = await this.repo.insertPasskey({
      userId: p.id,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey),
      counter: credential.counter,
      transports: (credential.transports ?? []).map(String),
      name: name?.trim() || `Passkey ${now.toISOString().slice(0, 10)}`,
      createdAt: now,
    });
    await this.audit.record(ctx, {
      action: 'mfa.passkey.registered',
      targetType: 'passkey',
      targetId: created.id,
      details: { userId: p.id },
    });
    this.events.publish('access.changed', { userIds: [p.id] });
    return created;
  }

  async remove(ctx: RequestContext, p: Principal, id: string): Promise<void> {
    if (!(await this.repo.deletePasskey(p.id, id))) throw new NotFound('passkey');
    await this.audit.record(ctx, {
      action: 'mfa.passkey.removed',
      targetType: 'passkey',
      targetId: id,
      details: { userId: p.id },
    });
    this.events.publish('access.changed', { userIds: [p.id] });
  }

  /** Sign-in options for a discoverable credential: no account named, empty allowCredentials. */
  async authenticationOptions() {
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      allowCredentials: [],
      userVerification: 'required',
      timeout: WEBAUTHN_CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.repo.saveWebauthnChallenge(
      options.challenge,
      'authentication',
      null,
      this.expiry(),
      this.clock.now(),
    );
    return options;
  }

  async signIn(ctx: RequestContext & { userAgent?: string }, response: AuthenticationResponseJSON) {
    const now = this.clock.now();
    const stored =
      typeof response?.id === 'string' ? await this.repo.passkeyByCredentialId(response.id) : null;
    const userHandle = response?.response?.userHandle;
    const handleMatches =
      !userHandle || Buffer.from(userHandle, 'base64url').toString('utf8') === stored?.userId;
    let ok = false;
    let newCounter = 0;
    if (stored && handleMatches) {
      try {
        const result = await verifyAuthenticationResponse({
          response,
          expectedChallenge: (c) => this.repo.takeWebauthnChallenge(c, 'authentication', null, now),
          expectedOrigin: this.origins,
          expectedRPID: this.rpID,
          credential: {
            id: stored.credentialId,
            publicKey: new Uint8Array(stored.publicKey),
            counter: stored.counter,
            transports: stored.transports as never,
          },
          requireUserVerification: true,
        });
        ok = result.verified;
        newCounter = result.authenticationInfo.newCounter;
      } catch {
        ok = false;
      }
    }
    if (!ok || !stored) {
      await this.audit.record(
        { ...ctx, actorId: stored?.userId ?? null },
        { action: 'auth.passkey.failed', targetType: 'passkey', targetId: stored?.id ?? null },
      );
      throw passkeyRejected();
    }
    await this.repo.passkeyUsed(stored.id, newCounter, now);
    return this.auth.startSession(ctx, stored.userId, 'passkey');
  }
}
