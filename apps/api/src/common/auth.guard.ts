import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService, MfaAccessPolicy, type Principal, type RequestContext } from '#domain';

export const IS_PUBLIC = 'enlace:public';
/** A route that needs no access token (login, health, feeds with their own token). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const MFA_EXEMPT = 'enlace:mfa-exempt';
/**
 * A route an account that MFA_REQUIRED covers may use before it has a second factor: `GET /api/me`, its two-factor
 * and passkey settings. Every other authenticated route answers `403 MFA_ENROLMENT_REQUIRED` to it.
 */
export const MfaExempt = () => SetMetadata(MFA_EXEMPT, true);

/** The one auth guard: every route needs a valid access token of a live session unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly mfa: MfaAccessPolicy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const principal = await this.auth.authenticate(token);
    (req as any).principal = principal;
    const exempt = this.reflector.getAllAndOverride<boolean>(MFA_EXEMPT, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!exempt) await this.mfa.ensureEnrolled(principal);
    return true;
  }
}

export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal,
);

export function requestContext(req: Request): RequestContext {
  return {
    actorId: (req as any).principal?.id ?? null,
    ip: req.ip ?? null,
    requestId: String((req as any).id ?? ''),
  };
}

/** Who and where: actor, ip and request id for the audit log. */
export const Ctx = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): RequestContext & { userAgent?: string } => {
    const req = ctx.switchToHttp().getRequest<Request>();
    return { ...requestContext(req), userAgent: req.headers['user-agent'] };
  },
);
