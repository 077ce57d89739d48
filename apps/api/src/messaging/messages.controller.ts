import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MessageChangesService, SearchService, type Principal, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { EditMessageDto } from './dto/messaging.dto.js';
import { intQuery } from './query.js';
import { ApiErrors } from '../common/openapi.js';
import {
  MessageAckDto,
  MessageDto,
  MessageEditDto,
  SearchResultsDto,
} from './dto/messaging-responses.dto.js';

@ApiTags('messages')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class MessagesController {
  constructor(
    private readonly messages: MessageChangesService,
    private readonly search: SearchService,
  ) {}

  @ApiOkResponse({ type: MessageDto })
  @ApiErrors(400, 403, 404, 409)
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
  @ApiOkResponse({ type: MessageDto, description: 'the tombstone' })
  @ApiErrors(403, 404, 409)
  @Delete('messages/:id')
  remove(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.messages.remove(ctx, me, id);
  }

  @ApiOkResponse({ type: [MessageEditDto] })
  @ApiErrors(404)
  @Get('messages/:id/history')
  history(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.messages.history(me, id);
  }

  @ApiNoContentResponse({ description: 'acknowledged (again: nothing new)' })
  @ApiErrors(404, 409)
  @Post('messages/:id/ack')
  @HttpCode(204)
  async ack(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
  ): Promise<void> {
    await this.messages.ack(ctx, me, id);
  }

  @ApiOkResponse({ type: [MessageAckDto] })
  @ApiErrors(404)
  @Get('messages/:id/acks')
  acks(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.messages.acks(me, id);
  }

  @ApiOkResponse({ type: SearchResultsDto, description: 'best first' })
  @ApiErrors(400, 403)
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
