import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { FollowUpsService, type Principal, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { BoardQueryDto, CreateFollowUpDto, RespondDto, UpdateFollowUpDto } from './dto/follow-up.dto.js';

@ApiTags('follow-ups')
@ApiBearerAuth()
@Controller()
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  @Post('networks/:slug/follow-ups')
  create(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: CreateFollowUpDto,
  ) {
    return this.followUps.create(ctx, me, slug, body);
  }

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

  @Get('follow-ups/:id')
  get(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.followUps.get(me, id);
  }

  @Patch('follow-ups/:id')
  update(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: UpdateFollowUpDto,
  ) {
    return this.followUps.update(ctx, me, id, body);
  }

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
