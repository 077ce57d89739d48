import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MessageChangesService, SearchService, type Principal, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { EditMessageDto } from './dto/messaging.dto.js';
import { intQuery } from './query.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagesController {
  constructor(
    private readonly messages: MessageChangesService,
    private readonly search: SearchService,
  ) {}

  @Patch('messages/:id')
  edit(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: EditMessageDto,
  ) {
    return this.messages.edit(ctx, me, id, body.body);
  }

  /** Deletes the message: a tombstone stays (same seq, empty body, `deleted: true`); the history is kept and audited. */
  @Delete('messages/:id')
  remove(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.messages.remove(ctx, me, id);
  }

  @Get('messages/:id/history')
  history(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.messages.history(me, id);
  }

  @Post('messages/:id/ack')
  @HttpCode(204)
  async ack(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
  ): Promise<void> {
    await this.messages.ack(ctx, me, id);
  }

  @Get('messages/:id/acks')
  acks(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.messages.acks(me, id);
  }

  @Get('search')
  find(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Query('q') q?: string,
    @Query('network') network?: string,
    @Query('limit') limit?: string,
  ) {
    return this.search.search(ctx, me, { q, network, limit: intQuery('limit', limit, 1) });
  }
}
