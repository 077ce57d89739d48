import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { PasswordResetService, type RequestContext } from '#domain';
import { Ctx, Public } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import {
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  PasswordResetRequestedDto,
} from '../accounts/me.dto.js';

/** Password reset by email: no sign-in needed (the person has lost their password). */
@ApiTags('auth')
@Controller('auth/password-reset')
export class PasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  @Public()
  @ApiAcceptedResponse({
    type: PasswordResetRequestedDto,
    description:
      'the same answer whatever the address; a known, enabled account gets an email with a single-use link valid 30 minutes',
  })
  @ApiErrors(400, 429)
  @Post()
  @HttpCode(202)
  async request(
    @Ctx() ctx: RequestContext,
    @Body() body: PasswordResetRequestDto,
  ): Promise<PasswordResetRequestedDto> {
    await this.reset.request(ctx, body.email);
    return { status: 'requested' };
  }

  @Public()
  @ApiNoContentResponse({ description: 'the password is set; every session of the account ended' })
  @ApiErrors(400)
  @Post('confirm')
  @HttpCode(204)
  async confirm(@Ctx() ctx: RequestContext, @Body() body: PasswordResetConfirmDto): Promise<void> {
    await this.reset.confirm(ctx, body.token, body.newPassword);
  }
}
