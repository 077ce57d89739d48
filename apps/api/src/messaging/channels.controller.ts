import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ChannelsService,
  MessageReadingService,
  MessageSendingService,
  type Principal,
  type RequestContext,
} from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { ChannelMembersDto, CreateChannelDto, ReadDto, SendMessageDto } from './dto/messaging.dto.js';
import { intQuery } from './query.js';
import { PostingLimiter } from '../common/posting-limiter.js';
import { ApiErrors } from '../common/openapi.js';
import {
  ChannelDto,
  CreatedChannelDto,
  MessageDto,
  NetworkDto,
  PersonDto,
} from './dto/messaging-responses.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly sending: MessageSendingService,
    private readonly reading: MessageReadingService,
    private readonly limiter: PostingLimiter,
  ) {}

  @ApiOkResponse({ type: [NetworkDto] })
  @Get('networks')
  networks(@CurrentUser() me: Principal) {
    return this.channels.networks(me);
  }

  @ApiOkResponse({ type: [ChannelDto] })
  @ApiErrors(403, 404)
  @Get('networks/:slug/channels')
  list(@CurrentUser() me: Principal, @Param('slug') slug: string) {
    return this.channels.list(me, slug);
  }

  @ApiCreatedResponse({ type: CreatedChannelDto })
  @ApiErrors(400, 403, 404, 409)
  @Post('networks/:slug/channels')
  create(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: CreateChannelDto,
  ) {
    return this.channels.create(ctx, me, slug, body);
  }

  @ApiOkResponse({ type: [MessageDto], description: 'ascending seq' })
  @ApiErrors(400, 404)
  @Get('channels/:id/messages')
  messagesOf(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Query('afterSeq') afterSeq?: string,
    @Query('beforeSeq') beforeSeq?: string,
    @Query('limit') limit?: string,
  ) {
    return this.reading.list(ctx, me, id, {
      afterSeq: intQuery('afterSeq', afterSeq),
      beforeSeq: intQuery('beforeSeq', beforeSeq, 1),
      limit: intQuery('limit', limit, 1),
    });
  }

  /** 201 with the new message; the same clientMessageId again from the same author: 200 with the first one. */
  @ApiCreatedResponse({ type: MessageDto, description: 'the new message' })
  @ApiOkResponse({ type: MessageDto, description: 'the same clientMessageId again: the first message' })
  @ApiErrors(400, 403, 404, 409, 429)
  @Post('channels/:id/messages')
  async send(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: SendMessageDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.limiter.take(me.id);
    const { message, created } = await this.sending.send(ctx, me, id, body);
    res.status(created ? 201 : 200);
    return message;
  }

  @ApiNoContentResponse({ description: 'the read cursor moved (never backwards)' })
  @ApiErrors(400, 404)
  @Post('channels/:id/read')
  @HttpCode(204)
  async read(@CurrentUser() me: Principal, @Param('id') id: string, @Body() body: ReadDto): Promise<void> {
    await this.reading.markRead(me, id, body.seq);
  }

  @ApiOkResponse({ type: [PersonDto], description: 'private channels: the listed members' })
  @ApiErrors(404)
  @Get('channels/:id/members')
  members(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.channels.members(me, id);
  }

  @ApiCreatedResponse({ type: [PersonDto], description: 'the members after the change' })
  @ApiErrors(400, 403, 404)
  @Post('channels/:id/members')
  addMembers(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: ChannelMembersDto,
  ) {
    return this.channels.addMembers(ctx, me, id, body.userIds);
  }

  @ApiNoContentResponse({ description: 'removed' })
  @ApiErrors(400, 403, 404)
  @Delete('channels/:id/members/:userId')
  @HttpCode(204)
  async removeMember(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.channels.removeMember(ctx, me, id, userId);
  }
}
