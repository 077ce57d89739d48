import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Principal, type RequestContext, WorkPlanService } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { CreateWorkPlanActivityDto, UpdateWorkPlanActivityDto } from './dto/work-plan.dto.js';
import { ApiErrors } from '../common/openapi.js';
import { WorkPlanActivityDto } from './dto/follow-up-responses.dto.js';

@ApiTags('work-plan')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class WorkPlanController {
  constructor(private readonly workPlan: WorkPlanService) {}

  @ApiOkResponse({ type: [WorkPlanActivityDto] })
  @ApiErrors(403, 404)
  @Get('networks/:slug/work-plan')
  list(@CurrentUser() me: Principal, @Param('slug') slug: string) {
    return this.workPlan.list(me, slug);
  }

  @ApiCreatedResponse({ type: WorkPlanActivityDto })
  @ApiErrors(400, 403, 404)
  @Post('networks/:slug/work-plan')
  create(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: CreateWorkPlanActivityDto,
  ) {
    return this.workPlan.create(ctx, me, slug, body);
  }

  @ApiOkResponse({ type: WorkPlanActivityDto })
  @ApiErrors(400, 403, 404)
  @Patch('work-plan/:id')
  update(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Body() body: UpdateWorkPlanActivityDto,
  ) {
    return this.workPlan.update(ctx, me, id, body);
  }
}
