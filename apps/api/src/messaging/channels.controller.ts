import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

@ApiTags('channels')
@ApiBearerAuth()
@Controller()
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly sending: MessageSendingService,
    private readonly reading: MessageReadingService,
    private readonly limiter: PostingLimiter,
  ) {}

  @Get('networks')
  networks(@CurrentUser() me: Principal) {
    return this.channels.networks(me);
  }

  @Get('networks/:slug/channels')
  list(@CurrentUser() me: Principal, @Param('slug') slug: string) {
    return this.channels.list(me, slug);
  }

  @Post('networks/:slug/channels')
  create(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: CreateChannelDto,
  ) {
    return this.channels.create(ctx, me, slug, body);
  }

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

  @Post('channels/:id/read')
  @HttpCode(204)
  async read(@CurrentUser() me: Principal, @Param('id') id: string, @Body() body: ReadDto): Promise<void> {
    await this.reading.markRead(me, id, body.seq);
  }

  @Get('channels/:id/members')
  members(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.channels.members(me, id);
  }

  @Post('channels/:id/members')
  addMembers(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: ChannelMembersDto,
  ) {
    return this.channels.addMembers(ctx, me, id, body.userIds);
  }

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
