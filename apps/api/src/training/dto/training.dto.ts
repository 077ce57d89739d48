import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsInt, IsObject, IsOptional, IsString } from 'class-validator';

const BILINGUAL = { type: 'object', properties: { en: { type: 'string' }, es: { type: 'string' } } } as const;
const LOCATION: any = {
  oneOf: [
    { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string', example: 'MX' } } },
    { type: 'object', properties: { url: { type: 'string', example: 'https://meet.example.org/rcm' } } },
  ],
};
const TIME =
  'ISO 8601 with an offset (2027-03-10T09:00:00-06:00), or without one for a wall-clock time in `timezone` (2027-03-10T09:00)';

/** Field shapes are checked by the domain (training.rules), which names every wrong field; this is the contract. */
export class CreateTrainingEventDto {
  @ApiProperty({ type: [String], example: ['smuggling-trafficking'] })
  @IsArray()
  networks: string[];

  @ApiProperty({ enum: ['exercise', 'course', 'seminar', 'working-session'] })
  @IsString()
  kind: string;

  @ApiProperty(BILINGUAL) @IsObject() title: { en: string; es: string };
  @ApiProperty(BILINGUAL) @IsObject() description: { en: string; es: string };

  @ApiProperty({ type: [String], example: ['CA', 'US', 'MX'], description: 'country or organisation codes' })
  @IsArray()
  sponsors: string[];

  @ApiProperty({ description: TIME }) @IsString() startsAt: string;
  @ApiProperty({ description: TIME }) @IsString() endsAt: string;
  @ApiProperty({ example: 'America/Mexico_City' }) @IsString() timezone: string;
  @ApiProperty(LOCATION) @IsObject() location: { city: string; country: string } | { url: string };
  @ApiPropertyOptional({ description: TIME }) @IsOptional() @IsString() registrationDeadline?: string | null;
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() capacity?: number | null;
  @ApiProperty({ enum: ['officers', 'members'] }) @IsString() audience: string;
}

export class UpdateTrainingEventDto {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() networks?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional(BILINGUAL) @IsOptional() @IsObject() title?: { en: string; es: string };
  @ApiPropertyOptional(BILINGUAL) @IsOptional() @IsObject() description?: { en: string; es: string };
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() sponsors?: string[];
  @ApiPropertyOptional({ description: TIME }) @IsOptional() @IsString() startsAt?: string;
  @ApiPropertyOptional({ description: TIME }) @IsOptional() @IsString() endsAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() timezone?: string;
  @ApiPropertyOptional(LOCATION) @IsOptional() @IsObject() location?: object;
  @ApiPropertyOptional({ description: `${TIME}; null removes it` })
  @IsOptional()
  @IsString()
  registrationDeadline?: string | null;
  @ApiPropertyOptional({ description: 'null: no limit' }) @IsOptional() @IsInt() capacity?: number | null;
  @ApiPropertyOptional() @IsOptional() @IsString() audience?: string;
}

export class ListTrainingEventsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() network?: string;
  @ApiPropertyOptional({ description: 'events ending at or after' }) @IsOptional() @IsString() from?: string;
  @ApiPropertyOptional({ description: 'events starting at or before' }) @IsOptional() @IsString() to?: string;
}

export class RegistrationsQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?:
    'json' | 'csv';
}

export class FeedQuery {
  @ApiProperty({ description: 'the calendarToken of /api/me' }) @IsOptional() @IsString() token?: string;
}

export class TrainingNeedsDto {
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { topic: BILINGUAL, priority: { enum: ['high', 'medium', 'low'] } },
    },
  })
  @IsArray()
  needs: unknown[];

  @ApiProperty({ type: 'array', items: { type: 'object', properties: { topic: BILINGUAL } } })
  @IsArray()
  offers: unknown[];
}
