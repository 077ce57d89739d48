import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { AccountAccessPolicy, type Principal, PresidencyService, type RequestContext } from '#domain';
import { Ctx, CurrentUser } from '../common/auth.guard.js';

export class PresidencyTermDto {
  @ApiProperty({ example: 'GT' })
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166 alpha-2 code such as GT' })
  country: string;

  @ApiProperty({ example: '2026-01-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startsOn must be a date (YYYY-MM-DD)' })
  startsOn: string;

  @ApiProperty({ example: '2026-12-31' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'endsOn must be a date (YYYY-MM-DD)' })
  endsOn: string;
}

@ApiTags('presidency')
@ApiBearerAuth()
@Controller()
export class PresidencyController {
  constructor(
    private readonly presidency: PresidencyService,
    private readonly policy: AccountAccessPolicy,
  ) {}

  @Put('admin/presidency')
  async setTerm(@CurrentUser() me: Principal, @Ctx() ctx: RequestContext, @Body() body: PresidencyTermDto) {
    this.policy.assertCanSetPresidency(me);
    return this.presidency.setTerm(ctx, body);
  }

  /** The term covering today; `null` when none does. */
  @Get('presidency')
  async current() {
    return (await this.presidency.currentTerm()) ?? null;
  }
}
