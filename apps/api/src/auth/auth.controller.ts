import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { AuthService, type Principal, PresidencyService, type RequestContext } from '#domain';
import { Ctx, CurrentUser, MfaExempt, Public } from '../common/auth.guard.js';
import { userView } from '../accounts/user.view.js';
import { LoginDto, RefreshDto } from './auth.dto.js';
import { ApiErrors } from '../common/openapi.js';
import { TokensDto, UserDto } from '../accounts/user.dto.js';
import { MfaChallengeDto } from './mfa.dto.js';

@ApiTags('auth')
@ApiExtraModels(TokensDto, MfaChallengeDto)
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly presidency: PresidencyService,
  ) {}

  @Public()
  @ApiOkResponse({
    description:
      'the token pair, or (two-factor on) `{mfaRequired:true,mfaToken,methods}` for POST /api/auth/mfa',
    schema: { oneOf: [{ $ref: getSchemaPath(TokensDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
  })
  @ApiErrors(400, 401, 429)
  @Post('auth/login')
  @HttpCode(200)
  async login(@Ctx() ctx: RequestContext & { userAgent?: string }, @Body() body: LoginDto) {
    const result = await this.auth.login(ctx, body.email, body.password);
    if ('mfaRequired' in result) return result;
    const { user, ...tokens } = result;
    return { ...tokens, user: userView(user, await this.presidency.holdsPresidency(user)) };
  }

  @Public()
  @ApiOkResponse({ type: TokensDto, description: 'a new pair; the old refresh token stops working' })
  @ApiErrors(400, 401)
  @Post('auth/refresh')
  @HttpCode(200)
  async refresh(@Ctx() ctx: RequestContext, @Body() body: RefreshDto) {
    const { user, ...tokens } = await this.auth.refresh(ctx, body.refreshToken);
    return { ...tokens, user: userView(user, await this.presidency.holdsPresidency(user)) };
  }

  @Public()
  @ApiNoContentResponse({ description: "the session's refresh token is revoked" })
  @ApiErrors(400)
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Ctx() ctx: RequestContext, @Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(ctx, body.refreshToken);
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(401)
  @Get('me')
  async me(@CurrentUser() user: Principal) {
    return userView(user, await this.presidency.holdsPresidency(user));
  }
}
