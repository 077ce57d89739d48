import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  MfaSignInService,
  PresidencyService,
  type Principal,
  type RequestContext,
  TotpService,
} from '#domain';
import { Ctx, CurrentUser, MfaExempt, Public } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { userView } from '../accounts/user.view.js';
import { TokensDto } from '../accounts/user.dto.js';
import {
  CodeDto,
  MfaChallengeDto,
  MfaLoginDto,
  RecoveryCodesDto,
  TotpEnrolmentDto,
  TwoFactorStatusDto,
} from './mfa.dto.js';

/** Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and recovery codes. */
@ApiTags('auth')
@ApiExtraModels(MfaChallengeDto)
@Controller()
export class MfaController {
  constructor(
    private readonly totp: TotpService,
    private readonly signIn: MfaSignInService,
    private readonly presidency: PresidencyService,
  ) {}

  @ApiBearerAuth()
  @MfaExempt()
  @ApiOkResponse({ type: TwoFactorStatusDto })
  @ApiErrors(401)
  @Get('me/2fa')
  status(@CurrentUser() p: Principal) {
    return this.totp.status(p);
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'a new secret, not active until confirmed' })
  @ApiErrors(401, 409)
  @Post('me/2fa/totp')
  enrol(@Ctx() ctx: RequestContext, @CurrentUser() p: Principal) {
    return this.totp.enrol(ctx, p);
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiOkResponse({
    type: RecoveryCodesDto,
    description: 'TOTP is on; the ten recovery codes, shown this once',
  })
  @ApiErrors(400, 401, 409)
  @Post('me/2fa/totp/confirm')
  @HttpCode(200)
  confirm(@Ctx() ctx: RequestContext, @CurrentUser() p: Principal, @Body() body: CodeDto) {
    return this.totp.confirm(ctx, p, body.code);
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiNoContentResponse({ description: 'TOTP and the recovery codes are off (passkeys stay)' })
  @ApiErrors(400, 401, 409)
  @Delete('me/2fa')
  @HttpCode(204)
  async disable(
    @Ctx() ctx: RequestContext,
    @CurrentUser() p: Principal,
    @Body() body: CodeDto,
  ): Promise<void> {
    await this.totp.disable(ctx, p, body.code);
  }

  @Public()
  @ApiOkResponse({ type: TokensDto, description: 'the token pair' })
  @ApiErrors(400, 401)
  @Post('auth/mfa')
  @HttpCode(200)
  async mfa(@Ctx() ctx: RequestContext & { userAgent?: string }, @Body() body: MfaLoginDto) {
    const { user, ...tokens } = await this.signIn.complete(ctx, body.mfaToken, body.code);
    return { ...tokens, user: userView(user, await this.presidency.holdsPresidency(user)) };
  }
}
