import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthService, type Principal, PresidencyService, type RequestContext } from '#domain';
import { Ctx, CurrentUser, Public } from '../common/auth.guard.js';
import { userView } from '../accounts/user.view.js';
import { LoginDto, RefreshDto } from './auth.dto.js';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly presidency: PresidencyService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  async login(@Ctx() ctx: RequestContext & { userAgent?: string }, @Body() body: LoginDto) {
    const { user, ...tokens } = await this.auth.login(ctx, body.email, body.password);
    return { ...tokens, user: userView(user, await this.presidency.holdsPresidency(user)) };
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  async refresh(@Ctx() ctx: RequestContext, @Body() body: RefreshDto) {
    const { user, ...tokens } = await this.auth.refresh(ctx, body.refreshToken);
    return { ...tokens, user: userView(user, await this.presidency.holdsPresidency(user)) };
  }

  @Public()
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Ctx() ctx: RequestContext, @Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(ctx, body.refreshToken);
  }

  @ApiBearerAuth()
  @Get('me')
  async me(@CurrentUser() user: Principal) {
    return userView(user, await this.presidency.holdsPresidency(user));
  }
}
