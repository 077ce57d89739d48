import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  DigestCycleService,
  DigestSubscriptionsService,
  type Principal,
  type RequestContext,
  type SubscriptionRow,
} from '#domain';
import { Ctx, CurrentUser, Public } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import {
  AccountDigestDto,
  AccountDigestViewDto,
  DigestConfirmDto,
  DigestRunDto,
  DigestSubscriptionRequestDto,
  DigestRunQueuedDto,
  DigestSubscriptionConfirmedDto,
  DigestSubscriptionViewDto,
  DigestTokenDto,
  DigestSubscriptionRequestedDto,
} from './digest.dto.js';

const view = (row: SubscriptionRow): DigestSubscriptionViewDto => ({
  locale: row.locale,
  frequency: row.frequency,
  status: row.status,
});

@ApiTags('digests')
@Controller()
export class DigestsController {
  constructor(
    private readonly subscriptions: DigestSubscriptionsService,
    private readonly cycle: DigestCycleService,
  ) {}

  /** Anyone: 202 whatever the address; only a confirmation email is sent. */
  @Public()
  @Post('digest-subscriptions')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: DigestSubscriptionRequestedDto,
    description: 'a confirmation email is on its way (if the address exists)',
  })
  @ApiErrors(400, 429)
  async subscribe(
    @Ctx() ctx: RequestContext,
    @Body() body: DigestSubscriptionRequestDto,
  ): Promise<DigestSubscriptionRequestedDto> {
    await this.subscriptions.request(ctx, body);
    return { status: 'confirmation-sent' };
  }

  @Public()
  @Post('digest-subscriptions/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: DigestSubscriptionConfirmedDto })
  @ApiErrors(400, 404)
  confirm(
    @Ctx() ctx: RequestContext,
    @Body() body: DigestConfirmDto,
  ): Promise<DigestSubscriptionConfirmedDto> {
    return this.subscriptions.confirm(ctx, body.token);
  }

  /** The unsubscribe page: the signed token authorises; a forged or altered token is 404. Changes nothing. */
  @Public()
  @Get('digest-subscriptions/by-token')
  @ApiQuery({ name: 'token', type: String })
  @ApiOkResponse({ type: DigestSubscriptionViewDto })
  @ApiErrors(404)
  async byToken(@Query('token') token: unknown): Promise<DigestSubscriptionViewDto> {
    return view(await this.subscriptions.byToken(token));
  }

  /** The unsubscribe page's button (the JSON twin of the RFC 8058 one-click POST): idempotent. */
  @Public()
  @Post('digest-subscriptions/unsubscribe')
  @HttpCode(200)
  @ApiOkResponse({ type: DigestSubscriptionViewDto })
  @ApiErrors(400, 404)
  async unsubscribe(
    @Ctx() ctx: RequestContext,
    @Body() body: DigestTokenDto,
  ): Promise<DigestSubscriptionViewDto> {
    return view(await this.subscriptions.unsubscribe(ctx, body.token));
  }

  /** The unsubscribe page's "weekly instead": idempotent. */
  @Public()
  @Post('digest-subscriptions/weekly')
  @HttpCode(200)
  @ApiOkResponse({ type: DigestSubscriptionViewDto })
  @ApiErrors(400, 404)
  async weekly(@Ctx() ctx: RequestContext, @Body() body: DigestTokenDto): Promise<DigestSubscriptionViewDto> {
    return view(await this.subscriptions.weeklyInstead(ctx, body.token));
  }

  @ApiBearerAuth()
  @Get('me/digest')
  @ApiOkResponse({ type: AccountDigestViewDto })
  @ApiErrors(401)
  mine(@CurrentUser() me: Principal): Promise<AccountDigestViewDto> {
    return this.subscriptions.mine(me);
  }

  @ApiBearerAuth()
  @Put('me/digest')
  @ApiOkResponse({ type: AccountDigestViewDto })
  @ApiErrors(400, 401)
  update(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Body() body: AccountDigestDto,
  ): Promise<AccountDigestViewDto> {
    return this.subscriptions.updateMine(ctx, me, { ...body });
  }

  /** Admin: one digest cycle now, as if the clock were `at`. */
  @ApiBearerAuth()
  @Post('admin/digests/run')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: DigestRunQueuedDto })
  @ApiErrors(400, 401, 403)
  run(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Body() body: DigestRunDto,
  ): Promise<DigestRunQueuedDto> {
    return this.cycle.runByOperator(ctx, me, body);
  }
}
