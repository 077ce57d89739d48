import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { WORK_PLAN_STATUSES, type WorkPlanStatus } from '#domain';
import { IsCalendarDate, IsCountryCode } from '../../common/validation.js';

export class CreateWorkPlanActivityDto {
  @ApiProperty() @IsString() @MaxLength(200) title: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) objective?: string | null;

  @ApiProperty({ type: [String], example: ['CA', 'MX', 'US'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsCountryCode('member', { each: true })
  responsibleCountries: string[];

  @ApiProperty({ example: '2026-06-30' })
  @IsCalendarDate()
  targetDate: string;

  @ApiPropertyOptional({ enum: WORK_PLAN_STATUSES, default: 'planned' })
  @IsOptional()
  @IsIn(WORK_PLAN_STATUSES)
  status?: WorkPlanStatus;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) progressNote?: string | null;
}

export class UpdateWorkPlanActivityDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) title?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) objective?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsCountryCode('member', { each: true })
  responsibleCountries?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsCalendarDate()
  targetDate?: string;

  @ApiPropertyOptional({ enum: WORK_PLAN_STATUSES })
  @IsOptional()
  @IsIn(WORK_PLAN_STATUSES)
  status?: WorkPlanStatus;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) progressNote?: string | null;
}
