import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  caseView,
  CasesService,
  MessageReadingService,
  MessageSendingService,
  type Principal,
  type RequestContext,
} from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { OpenCaseDto, SendMessageDto, UpdateCaseDto } from './dto/messaging.dto.js';
import { intQuery } from './query.js';
import { PostingLimiter } from '../common/posting-limiter.js';
import { ApiErrors } from '../common/openapi.js';
import { CaseDto, MessageDto } from './dto/messaging-responses.dto.js';

@ApiTags('cases')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly sending: MessageSendingService,
    private readonly reading: MessageReadingService,
    private readonly limiter: PostingLimiter,
  ) {}

  @ApiCreatedResponse({ type: CaseDto })
  @ApiErrors(400, 403, 404)
  @Post('networks/:slug/cases')
  open(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: OpenCaseDto,
  ) {
    return this.cases.open(ctx, me, slug, body);
  }

  @ApiOkResponse({ type: [CaseDto] })
  @ApiErrors(400, 403, 404)
  @Get('networks/:slug/cases')
  list(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Query('status') status?: string,
    @Query('country') country?: string,
  ) {
    return this.cases.list(ctx, me, slug, { status, country });
  }

  @ApiOkResponse({ type: CaseDto })
  @ApiErrors(404)
  @Get('cases/:id')
  async get(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    return caseView(await this.cases.get(ctx, me, id));
  }

  @ApiOkResponse({ type: CaseDto })
  @ApiErrors(400, 403, 404, 409)
  @Patch('cases/:id')
  update(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: UpdateCaseDto,
  ) {
    return this.cases.update(ctx, me, id, body);
  }

  @ApiOkResponse({ type: [MessageDto], description: 'ascending seq' })
  @ApiErrors(400, 404)
  @Get('cases/:id/messages')
  async thread(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query('afterSeq') afterSeq?: string,
    @Query('beforeSeq') beforeSeq?: string,
    @Query('limit') limit?: string,
  ) {
    const channelId = await this.cases.threadChannel(me, id);
    return this.reading.list(ctx, me, channelId, {
      afterSeq: intQuery('afterSeq', afterSeq),
      beforeSeq: intQuery('beforeSeq', beforeSeq, 1),
      limit: intQuery('limit', limit, 1),
    });
  }

  @ApiCreatedResponse({ type: MessageDto, description: 'the new message' })
  @ApiOkResponse({ type: MessageDto, description: 'the same clientMessageId again: the first message' })
  @ApiErrors(400, 403, 404, 409, 429)
  @Post('cases/:id/messages')
  async post(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: SendMessageDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.limiter.take(me.id);
    const channelId = await this.cases.threadChannel(me, id);
    const { message, created } = await this.sending.send(ctx, me, channelId, body);
    res.status(created ? 201 : 200);
    return message;
  }
}
