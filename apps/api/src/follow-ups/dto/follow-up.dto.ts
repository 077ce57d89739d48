import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  IsObject,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsCountryCode } from '../../common/validation.js';

export class FollowUpSheetDto {
  @ApiProperty({
    enum: ['visa-requirements', 'visa-types', 'consular-contacts', 'travel-documents', 'legislation'],
  })
  @IsString()
  topic: string;
}

export class CreateFollowUpDto {
  @ApiProperty({ example: 'Exchange visa requirements and types of visas (communiqué 11.2)' })
  @IsString()
  @MaxLength(200)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiProperty({
    example: '2026-03-01T17:00:00-06:00',
    description: 'ISO 8601 with an offset, in the future',
  })
  @IsString()
  dueAt: string;

  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'string', example: 'GT' } },
      { type: 'string', enum: ['members'] },
    ],
    description: "member country codes, or 'members' for every member country",
  })
  @IsDefined()
  countries: string[] | 'members';

  @ApiPropertyOptional({
    type: [String],
    example: ['-P7D', '-P1D', 'PT0S'],
    description: 'ISO 8601 durations relative to dueAt (negative = before); the default is shown',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  reminders?: string[];

  @ApiPropertyOptional({
    example: 'P3D',
    description: 'while overdue, the PPT is sent an escalation this often',
  })
  @IsOptional()
  @IsString()
  escalateEvery?: string | null;

  @ApiPropertyOptional({ description: 'a case of the same network' })
  @IsOptional()
  @IsUUID()
  caseId?: string | null;

  @ApiPropertyOptional({ description: 'a Work Plan activity of the same network' })
  @IsOptional()
  @IsUUID()
  workPlanActivityId?: string | null;

  @ApiPropertyOptional({
    type: FollowUpSheetDto,
    description: "a country sheet: a country's assignment turns done when it publishes a new version of it",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FollowUpSheetDto)
  sheet?: FollowUpSheetDto | null;
}

export class UpdateFollowUpDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) title?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10_000) description?: string | null;

  @ApiPropertyOptional({ description: 'a new dueAt moves every pending reminder' })
  @IsOptional()
  @IsString()
  dueAt?: string;

  @ApiPropertyOptional({ description: 'true cancels the item and its reminders (for good)' })
  @IsOptional()
  @IsBoolean()
  cancelled?: boolean;

  @ApiPropertyOptional({ description: 'null unlinks' })
  @IsOptional()
  @IsUUID()
  workPlanActivityId?: string | null;
}

export class RespondDto {
  @ApiProperty({ enum: ['acknowledged', 'done'] })
  @IsIn(['acknowledged', 'done'])
  status: 'acknowledged' | 'done';

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
}

export class BoardQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ example: 'GT' })
  @IsOptional()
  @IsCountryCode('member')
  country?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
