import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Principal, type RequestContext, TrainingNeedsService } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { TrainingNeedsDto } from './dto/training.dto.js';
import { TrainingNeedsAggregateDto, TrainingNeedsEntryDto } from './dto/training-responses.dto.js';
import { ApiErrors } from '../common/openapi.js';

@ApiTags('training')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('networks/:slug/training-needs')
export class TrainingNeedsController {
  constructor(private readonly needs: TrainingNeedsService) {}

  @ApiOkResponse({ type: TrainingNeedsAggregateDto })
  @ApiErrors(404)
  @Get()
  aggregate(@CurrentUser() me: Principal, @Param('slug') slug: string) {
    return this.needs.aggregate(me, slug);
  }

  @ApiOkResponse({ type: TrainingNeedsEntryDto })
  @ApiErrors(400, 404)
  @Get(':country')
  get(@CurrentUser() me: Principal, @Param('slug') slug: string, @Param('country') country: string) {
    return this.needs.get(me, slug, country);
  }

  @ApiOkResponse({ type: TrainingNeedsEntryDto })
  @ApiErrors(400, 403, 404)
  @Put(':country')
  put(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Param('country') country: string,
    @Body() body: TrainingNeedsDto,
  ) {
    return this.needs.put(ctx, me, slug, country, { ...body });
  }
}
