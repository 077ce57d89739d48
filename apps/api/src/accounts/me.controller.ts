import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AccountSessionsService,
  type Principal,
  PresidencyService,
  type RequestContext,
  SelfService,
} from '#domain';
import { Ctx, CurrentUser, MfaExempt } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { UserDto } from './user.dto.js';
import { userView } from './user.view.js';
import { ChangePasswordDto, SessionDto, UpdateProfileDto } from './me.dto.js';

/** The caller's own account: profile, password, sessions. Nothing here takes another account's id. */
@ApiTags('auth')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('me')
export class MeController {
  constructor(
    private readonly self: SelfService,
    private readonly sessions: AccountSessionsService,
    private readonly presidency: PresidencyService,
  ) {}

  @ApiOkResponse({ type: UserDto, description: 'the account, as `GET /api/me` shows it' })
  @ApiErrors(400)
  @MfaExempt() // API.md: `/api/me` stays open to an account that must still set up a second factor (its language)
  @Patch()
  async update(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Body() body: UpdateProfileDto) {
    const user = await this.self.updateProfile(ctx, me, body);
    return userView(user, await this.presidency.holdsPresidency(user));
  }

  @ApiNoContentResponse({ description: 'changed; every other session of the account ended' })
  @ApiErrors(400, 429)
  @Post('password')
  @HttpCode(204)
  async changePassword(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    await this.self.changePassword(ctx, me, body.currentPassword, body.newPassword);
  }

  @ApiOkResponse({
    type: [SessionDto],
    description: 'the sessions that still work, most recently used first',
  })
  @Get('sessions')
  listSessions(@CurrentUser() me: Principal) {
    return this.sessions.list(me);
  }

  @ApiNoContentResponse({ description: "that session's tokens and sockets end at once" })
  @ApiErrors(400, 404)
  @Delete('sessions/:id')
  @HttpCode(204)
  async revokeSession(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.sessions.revoke(ctx, me, id);
  }
}
