import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { WORK_PLAN_STATUSES, type WorkPlanStatus } from '#domain';

export class CreateWorkPlanActivityDto {
  @ApiProperty() @IsString() @MaxLength(200) title: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) objective?: string | null;

  @ApiProperty({ type: [String], example: ['CA', 'MX', 'US'] })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'each responsible country must be an ISO 3166 alpha-2 code' })
  responsibleCountries: string[];

  @ApiProperty({ example: '2026-06-30' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'targetDate must be a date (YYYY-MM-DD)' })
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
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'each responsible country must be an ISO 3166 alpha-2 code' })
  responsibleCountries?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'targetDate must be a date (YYYY-MM-DD)' })
  targetDate?: string;

  @ApiPropertyOptional({ enum: WORK_PLAN_STATUSES })
  @IsOptional()
  @IsIn(WORK_PLAN_STATUSES)
  status?: WorkPlanStatus;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) progressNote?: string | null;
}
