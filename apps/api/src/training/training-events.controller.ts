import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  type Principal,
  type RequestContext,
  TrainingCalendarService,
  TrainingEventsService,
  TrainingRegistrationsService,
} from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import {
  CreateTrainingEventDto,
  ListTrainingEventsQuery,
  RegistrationsQuery,
  UpdateTrainingEventDto,
} from './dto/training.dto.js';
import {
  RegistrationDto,
  RegistrationStatusDto,
  TrainingEventDetailDto,
  TrainingEventDto,
} from './dto/training-responses.dto.js';
import { ApiErrors } from '../common/openapi.js';

@ApiTags('training')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('training-events')
export class TrainingEventsController {
  constructor(
    private readonly events: TrainingEventsService,
    private readonly registrations: TrainingRegistrationsService,
    private readonly calendar: TrainingCalendarService,
  ) {}

  @ApiCreatedResponse({ type: TrainingEventDto })
  @ApiErrors(400, 403)
  @Post()
  create(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Body() body: CreateTrainingEventDto) {
    return this.events.create(ctx, me, { ...body });
  }

  @ApiOkResponse({ type: [TrainingEventDto] })
  @ApiErrors(400)
  @Get()
  list(@CurrentUser() me: Principal, @Query() query: ListTrainingEventsQuery) {
    return this.events.list(me, query);
  }

  @ApiOkResponse({ type: TrainingEventDetailDto })
  @ApiErrors(400, 404)
  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id') id: string) {
    return this.events.get(me, id);
  }

  @ApiOkResponse({ type: TrainingEventDto })
  @ApiErrors(400, 403, 404, 409)
  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: UpdateTrainingEventDto,
  ) {
    return this.events.update(ctx, me, id, { ...body });
  }

  @ApiOkResponse({ type: TrainingEventDto })
  @ApiErrors(400, 403, 404, 409)
  @Post(':id/publish')
  @HttpCode(200)
  publish(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.events.publish(ctx, me, id);
  }

  @ApiOkResponse({ type: TrainingEventDto })
  @ApiErrors(400, 403, 404, 409)
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.events.cancel(ctx, me, id);
  }

  @ApiOkResponse({ type: RegistrationStatusDto })
  @ApiErrors(400, 403, 404, 409)
  @Post(':id/registrations')
  @HttpCode(200)
  register(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.registrations.register(ctx, me, id);
  }

  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  @Delete(':id/registrations')
  @HttpCode(204)
  async withdraw(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Param('id') id: string) {
    await this.registrations.withdraw(ctx, me, id);
  }

  @ApiOkResponse({ type: [RegistrationDto], description: 'JSON, or text/csv with ?format=csv' })
  @ApiErrors(400, 403, 404)
  @Get(':id/registrations')
  @ApiProduces('application/json', 'text/csv')
  async registrationsList(
    @CurrentUser() me: Principal,
    @Param('id') id: string,
    @Query() query: RegistrationsQuery,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (query.format !== 'csv') return this.registrations.list(me, id);
    const csv = await this.registrations.csv(me, id);
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="training-${id}-registrations.csv"`);
    return csv;
  }

  @ApiOkResponse({
    description: 'text/calendar (RFC 5545)',
    content: { 'text/calendar': { schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404)
  @Get(':id/ics')
  async ics(
    @CurrentUser() me: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const event = await this.events.readable(me, id);
    res.type('text/calendar; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="training-${event.id}.ics"`);
    return this.calendar.eventIcs(me, event);
  }
}
