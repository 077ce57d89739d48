import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type Principal, type RequestContext, TrainingCalendarService } from '#domain';
import { Ctx, CurrentUser, Public } from '../common/auth.guard.js';
import { FeedQuery } from './dto/training.dto.js';
import { CalendarTokenDto } from './dto/training-responses.dto.js';
import { ApiErrors } from '../common/openapi.js';

@ApiTags('training')
@Controller()
export class TrainingCalendarController {
  constructor(private readonly calendar: TrainingCalendarService) {}

  /** A calendar app's subscription: no login, the token in the URL is the credential (never logged). */
  @ApiOkResponse({
    description: 'text/calendar (RFC 5545): the network published training events',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  @ApiErrors(404)
  @Public()
  @Get('networks/:slug/training.ics')
  async feed(
    @Param('slug') slug: string,
    @Query() query: FeedQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    const body = await this.calendar.feed(slug, query.token);
    res.type('text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, max-age=300');
    return body;
  }

  @ApiBearerAuth()
  @ApiOkResponse({ type: CalendarTokenDto })
  @ApiErrors(401)
  @Post('me/calendar-token')
  @HttpCode(200)
  rotate(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext) {
    return this.calendar.rotateToken(ctx, me);
  }
}
