import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { type Principal, RetentionService } from '#domain';
import { RETENTION_SCHEDULE } from '#queue';
import { CurrentUser } from '../common/auth.guard.js';
import { ApiErrors } from '../common/openapi.js';

class RetentionNetworkDto {
  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] }) network: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'P2Y',
    description: 'channel messages are kept this long from when they were stored; null: kept',
  })
  messages: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'P5Y',
    description: 'closed cases (with their threads) are kept this long from closing; null: kept',
  })
  cases: string | null;
}

class LastPurgeDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'channel messages deleted' }) messages: number;
  @ApiProperty({ description: 'case records deleted' }) cases: number;
  @ApiProperty({ description: 'messages of those case threads' }) caseMessages: number;
  @ApiProperty({ description: 'audit rows deleted' }) auditRows: number;
}

class RetentionOverviewDto {
  @ApiProperty({ type: [RetentionNetworkDto] }) networks: RetentionNetworkDto[];
  @ApiProperty({ type: String, nullable: true, example: 'P7Y', description: 'audit rows; null: kept' })
  audit: string | null;
  @ApiProperty({ example: '30 2 * * *', description: 'when the purge runs (cron, UTC)' }) schedule: string;
  @ApiProperty({
    type: LastPurgeDto,
    nullable: true,
    description: 'the last purge that deleted something (from the audit log)',
  })
  lastPurge: LastPurgeDto | null;
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('admin/retention')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @ApiOkResponse({ type: RetentionOverviewDto, description: 'admins' })
  @ApiErrors(403)
  @Get()
  async overview(@CurrentUser() me: Principal): Promise<RetentionOverviewDto> {
    return { ...(await this.retention.overview(me)), schedule: RETENTION_SCHEDULE.pattern };
  }
}
