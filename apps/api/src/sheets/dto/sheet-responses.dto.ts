import { ApiProperty } from '@nestjs/swagger';

const TOPICS = ['visa-requirements', 'visa-types', 'consular-contacts', 'travel-documents', 'legislation'];

/** Answers of the country sheet routes (the domain views build them). */
export class SheetTextDto {
  @ApiProperty() en: string;
  @ApiProperty() es: string;
}

export class SheetAuthorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: String, nullable: true, example: 'MX' }) country: string | null;
}

export class SheetSummaryDto {
  @ApiProperty({ example: 'MX' }) country: string;
  @ApiProperty({ enum: TOPICS }) topic: string;
  @ApiProperty({ type: SheetTextDto }) title: SheetTextDto;
  @ApiProperty({ type: Number, nullable: true, description: 'null: nothing published yet' }) version:
    number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt: string | null;
  @ApiProperty({ type: SheetAuthorDto, nullable: true }) updatedBy: SheetAuthorDto | null;
}

export class SheetDto {
  @ApiProperty({ example: 'MX' }) country: string;
  @ApiProperty({ enum: TOPICS }) topic: string;
  @ApiProperty({ type: SheetTextDto }) title: SheetTextDto;
  @ApiProperty({ description: 'the version shown' }) version: number;
  @ApiProperty({ description: 'the latest version of the sheet' }) latestVersion: number;
  @ApiProperty({ type: SheetTextDto, description: 'the Markdown source' }) body: SheetTextDto;
  @ApiProperty({ type: SheetTextDto, description: 'HTML rendered by the server from body, safe to insert' })
  html: SheetTextDto;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: SheetAuthorDto, nullable: true }) updatedBy: SheetAuthorDto | null;
}

export class SheetVersionDto {
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: SheetAuthorDto, nullable: true }) updatedBy: SheetAuthorDto | null;
}

export class SheetFreshnessDto {
  @ApiProperty({ example: 'GT' }) country: string;
  @ApiProperty({ enum: TOPICS }) topic: string;
  @ApiProperty({ type: Number, nullable: true }) version: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) updatedAt: string | null;
  @ApiProperty({ description: 'missing, or older than staleAfter' }) stale: boolean;
}

export class SheetPreviewDto {
  @ApiProperty({ type: SheetTextDto, description: 'HTML rendered by the server, safe to insert' })
  html: SheetTextDto;
}
