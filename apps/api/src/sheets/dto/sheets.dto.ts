import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

const TOPICS = ['visa-requirements', 'visa-types', 'consular-contacts', 'travel-documents', 'legislation'];

export class SheetBodyDto {
  @ApiProperty({ description: 'Markdown in English, 1 to 50,000 characters' }) @IsString() en: string;
  @ApiProperty({ description: 'Markdown in Spanish, 1 to 50,000 characters' }) @IsString() es: string;
}

/** A new version of a sheet. Field rules (lengths, blanks) are the domain's (sheet.rules), which names each field. */
export class PublishSheetDto {
  @ApiProperty({
    type: SheetBodyDto,
    description: 'Markdown; raw HTML is shown as text, links only http, https and mailto, no images',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SheetBodyDto)
  body: SheetBodyDto;
}

export class SheetVersionQuery {
  @ApiPropertyOptional({ description: 'an earlier version (1, 2, 3, ...); omitted: the latest' })
  @IsOptional()
  @IsString()
  version?: string;
}

export class SheetFreshnessQuery {
  @ApiPropertyOptional({ enum: TOPICS, description: 'omitted: every topic' })
  @IsOptional()
  @IsString()
  topic?: string;

  @ApiPropertyOptional({
    example: 'P30D',
    description: 'ISO 8601 duration; a sheet older than this (or missing) is stale; default P30D',
  })
  @IsOptional()
  @IsString()
  staleAfter?: string;
}
