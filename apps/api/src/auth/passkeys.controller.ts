import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { PasskeysService, PresidencyService, type Principal, type RequestContext } from '#domain';
import { Ctx, CurrentUser, MfaExempt, Public } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { userView } from '../accounts/user.view.js';
import { TokensDto } from '../accounts/user.dto.js';
import { PasskeyDto, PasskeyRegistrationDto, PasskeySignInDto, WebAuthnOptionsDto } from './mfa.dto.js';

/** WebAuthn passkeys: registration (signed in) and passwordless sign-in (a passkey is both factors). */
@ApiTags('auth')
@Controller()
export class PasskeysController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly presidency: PresidencyService,
  ) {}

  @ApiBearerAuth()
  @MfaExempt()
  @ApiOkResponse({ type: [PasskeyDto] })
  @ApiErrors(401)
  @Get('me/passkeys')
  list(@CurrentUser() p: Principal) {
    return this.passkeys.list(p);
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiOkResponse({
    type: WebAuthnOptionsDto,
    description: 'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()',
  })
  @ApiErrors(401)
  @Post('me/passkeys/options')
  @HttpCode(200)
  registrationOptions(@CurrentUser() p: Principal) {
    return this.passkeys.registrationOptions(p);
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiCreatedResponse({ type: PasskeyDto })
  @ApiErrors(400, 401)
  @Post('me/passkeys')
  async register(
    @Ctx() ctx: RequestContext,
    @CurrentUser() p: Principal,
    @Body() body: PasskeyRegistrationDto,
  ) {
    const { id, name, createdAt } = await this.passkeys.register(ctx, p, body.response as never, body.name);
    return { id, name, createdAt };
  }

  @ApiBearerAuth()
  @MfaExempt()
  @ApiNoContentResponse({ description: 'the passkey no longer signs in' })
  @ApiErrors(400, 401, 404)
  @Delete('me/passkeys/:id')
  @HttpCode(204)
  async remove(
    @Ctx() ctx: RequestContext,
    @CurrentUser() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.passkeys.remove(ctx, p, id);
  }

  @Public()
  @ApiOkResponse({
    type: WebAuthnOptionsDto,
    description: 'PublicKeyCredentialRequestOptionsJSON (discoverable credentials: empty allowCredentials)',
  })
  @ApiErrors(429)
  @Post('auth/passkey/options')
  @HttpCode(200)
  authenticationOptions() {
    return this.passkeys.authenticationOptions();
  }

  @Public()
  @ApiOkResponse({ type: TokensDto, description: 'the token pair' })
  @ApiErrors(400, 401)
  @Post('auth/passkey')
  @HttpCode(200)
  async signIn(@Ctx() ctx: RequestContext & { userAgent?: string }, @Body() body: PasskeySignInDto) {
    const { user, ...tokens } = await this.passkeys.signIn(ctx, body.response as never);
    return { ...tokens, user: userView(user, await this.presidency.holdsPresidency(user)) };
  }
}
