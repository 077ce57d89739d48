import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '#config';
import { AuditService, NotFound, type Principal, QueueBoardAccessPolicy, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { QUEUE_BOARD_COOKIE, QUEUE_BOARD_PATH } from './queue-board-cookie.js';

@ApiTags('admin')
@ApiBearerAuth()
@ApiErrors(401, 403, 404)
@Controller('admin/queues')
export class QueueBoardController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly policy: QueueBoardAccessPolicy,
    private readonly audit: AuditService,
  ) {}

  /**
   * Opens the queue board (bull-board at `/admin/queues`) in this browser: sets an HttpOnly, SameSite=Strict cookie
   * scoped to that path, holding the caller's access token, valid as long as it is (at most 15 minutes). Admins only;
   * 404 when the deployment has no Redis (the board reads BullMQ's Redis keys).
   */
  @ApiNoContentResponse({ description: 'the cookie is set: open /admin/queues' })
  @HttpCode(204)
  @Post('session')
  async open(
    @CurrentUser() me: Principal & { tokenExpiresAt?: number },
    @Ctx() ctx: RequestContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    this.policy.assertCanOpen(me);
    if (!this.config.redis) throw new NotFound();
    const token = req.headers.authorization!.slice(7).trim();
    const maxAge = Math.max(1, Math.floor(((me.tokenExpiresAt ?? Date.now()) - Date.now()) / 1000));
    const secure = this.config.publicUrl.startsWith('https:') ? '; Secure' : '';
    res.setHeader(
      'Set-Cookie',
      `${QUEUE_BOARD_COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_BOARD_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`,
    );
    await this.audit.record(ctx, { action: 'queue-board.opened', targetType: 'user', targetId: me.id });
  }
}
