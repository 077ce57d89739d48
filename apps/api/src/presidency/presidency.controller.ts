import { Body, Controller, Get, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { AccountAccessPolicy, type Principal, PresidencyService, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';
import { IsCalendarDate, IsCountryCode } from '../common/validation.js';

export class PresidencyTermDto {
  @ApiProperty({ example: 'GT' })
  @IsCountryCode('member')
  country: string;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  startsOn: string;

  @ApiProperty({ example: '2026-12-31' })
  @IsCalendarDate()
  endsOn: string;
}

/** A PPT term as the API answers it. */
export class PresidencyTermViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'GT' })
  country: string;

  @ApiProperty({ example: '2026-01-01', description: 'first day (UTC), inclusive' })
  startsOn: string;

  @ApiProperty({ example: '2026-12-31', description: 'last day (UTC), inclusive' })
  endsOn: string;
}

@ApiTags('presidency')
@ApiBearerAuth()
@ApiErrors(401)
@Controller()
export class PresidencyController {
  constructor(
    private readonly presidency: PresidencyService,
    private readonly policy: AccountAccessPolicy,
  ) {}

  @ApiOkResponse({ type: PresidencyTermViewDto })
  @ApiErrors(400, 403, 409)
  @Put('admin/presidency')
  async setTerm(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Body() body: PresidencyTermDto) {
    this.policy.assertCanSetPresidency(me);
    return this.presidency.setTerm(ctx, body);
  }

  /** The term covering today; `null` when none does. */
  @ApiExtraModels(PresidencyTermViewDto)
  @ApiOkResponse({
    description: 'the term covering today, or null',
    schema: { nullable: true, allOf: [{ $ref: getSchemaPath(PresidencyTermViewDto) }] },
  })
  @Get('presidency')
  async current() {
    return (await this.presidency.currentTerm()) ?? null;
  }
}
