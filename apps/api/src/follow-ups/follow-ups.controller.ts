import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { FollowUpsService, type Principal, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { BoardQueryDto, CreateFollowUpDto, RespondDto, UpdateFollowUpDto } from './dto/follow-up.dto.js';
import { ApiErrors } from '../common/openapi.js';
import { AssignmentDto, BoardDto, FollowUpDto } from './dto/follow-up-responses.dto.js';

@ApiTags('follow-ups')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  @ApiCreatedResponse({ type: FollowUpDto })
  @ApiErrors(400, 403, 404)
  @Post('networks/:slug/follow-ups')
  create(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: CreateFollowUpDto,
  ) {
    return this.followUps.create(ctx, me, slug, body);
  }

  @ApiOkResponse({ type: BoardDto, description: 'JSON, or text/csv with ?format=csv' })
  @ApiErrors(400, 403, 404)
  @Get('networks/:slug/follow-ups/board')
  @ApiProduces('application/json', 'text/csv')
  async board(
    @CurrentUser() me: Principal,
    @Param('slug') slug: string,
    @Query() query: BoardQueryDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const filter = { overdue: query.overdue === 'true', country: query.country };
    if (query.format !== 'csv') return this.followUps.board(me, slug, filter);
    const csv = await this.followUps.boardCsv(me, slug, filter);
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="follow-ups-${slug}.csv"`);
    return csv;
  }

  @ApiOkResponse({ type: FollowUpDto })
  @ApiErrors(403, 404)
  @Get('follow-ups/:id')
  get(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.followUps.get(me, id);
  }

  @ApiOkResponse({ type: FollowUpDto })
  @ApiErrors(400, 403, 404, 409)
  @Patch('follow-ups/:id')
  update(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: UpdateFollowUpDto,
  ) {
    return this.followUps.update(ctx, me, id, body);
  }

  @ApiOkResponse({ type: AssignmentDto })
  @ApiErrors(400, 403, 404, 409)
  @Post('follow-ups/:id/responses')
  @HttpCode(200)
  respond(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: RespondDto,
  ) {
    return this.followUps.respond(ctx, me, id, body);
  }
}
