import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService, type Principal, type RequestContext } from '#domain';

export const IS_PUBLIC = 'enlace:public';
/** A route that needs no access token (login, health, feeds with their own token). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The one auth guard: every route needs a valid access token of a live session unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
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
    (req as any).principal = await this.auth.authenticate(token);
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
