import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AccountAccessPolicy,
  OffboardingService,
  type Principal,
  PresidencyService,
  type RequestContext,
} from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { AdminUserDto } from './user.dto.js';
import { adminUserView } from './user.view.js';

/** Offboarding: disabling and enabling accounts (admin or secretariat; staff accounts by an admin; never oneself). */
@ApiTags('admin')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 404)
@Controller('admin/users/:id')
export class AdminOffboardingController {
  constructor(
    private readonly offboarding: OffboardingService,
    private readonly policy: AccountAccessPolicy,
    private readonly presidency: PresidencyService,
  ) {}

  @ApiOkResponse({
    type: AdminUserDto,
    description: "disabled: the account's sessions and sockets ended at once; it cannot sign in",
  })
  @Post('disable')
  @HttpCode(200)
  async disable(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ) {
    this.policy.assertCanManageUsers(me);
    const user = await this.offboarding.disable(ctx, id, me);
    return adminUserView(user, await this.presidency.holdsPresidency(user));
  }

  @ApiOkResponse({
    type: AdminUserDto,
    description: 'it may sign in again; the sessions that ended stay ended',
  })
  @Post('enable')
  @HttpCode(200)
  async enable(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ) {
    this.policy.assertCanManageUsers(me);
    const user = await this.offboarding.enable(ctx, id, me);
    return adminUserView(user, await this.presidency.holdsPresidency(user));
  }
}
