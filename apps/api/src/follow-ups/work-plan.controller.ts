import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Principal, type RequestContext, WorkPlanService } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { CreateWorkPlanActivityDto, UpdateWorkPlanActivityDto } from './dto/work-plan.dto.js';

@ApiTags('work-plan')
@ApiBearerAuth()
@Controller()
export class WorkPlanController {
  constructor(private readonly workPlan: WorkPlanService) {}

  @Get('networks/:slug/work-plan')
  list(@CurrentUser() me: Principal, @Param('slug') slug: string) {
    return this.workPlan.list(me, slug);
  }

  @Post('networks/:slug/work-plan')
  create(
    @CurrentUser() me: Principal,
    @Ctx() ctx: RequestContext,
    @Param('slug') slug: string,
    @Body() body: CreateWorkPlanActivityDto,
  ) {
    return this.workPlan.create(ctx, me, slug, body);
  }

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
