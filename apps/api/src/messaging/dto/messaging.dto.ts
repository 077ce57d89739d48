import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';

export class CreateChannelDto {
  @ApiProperty({ example: 'migrant-routes' }) @IsString() name: string;
  @ApiProperty({ enum: ['network', 'officers', 'private'] })
  @IsIn(['network', 'officers', 'private'])
  visibility: 'network' | 'officers' | 'private';
  @ApiPropertyOptional({ type: [String], description: 'user ids (private channels)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  members?: string[];
}

export class ChannelMembersDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(500) @IsString({ each: true }) userIds: string[];
}

/** Types only: the rules of a message (length, ids) are the domain's, the same over the socket. */
export class SendMessageDto {
  @ApiProperty({ maxLength: 10_000 }) @IsString() body: string;
  @ApiProperty({ example: '6f1c2a7e-2f7b-4c4e-9a51-0f5b1b1f2d3c' }) @IsString() clientMessageId: string;
  @ApiPropertyOptional() @IsOptional() @IsString() caseId?: string | null;
  @ApiPropertyOptional({ enum: ['normal', 'urgent'] }) @IsOptional() @IsIn(['normal', 'urgent']) priority?:
    'normal' | 'urgent';
  @ApiPropertyOptional() @IsOptional() @IsBoolean() requestAck?: boolean;
  @ApiPropertyOptional({
    type: [String],
    maxItems: 10,
    description:
      "up to 10 of the author's own unsent uploads to this channel (POST /api/channels/:id/attachments)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  attachmentIds?: string[];
}

export class EditMessageDto {
  @ApiProperty({ maxLength: 10_000 }) @IsString() body: string;
}

export class ReadDto {
  @ApiProperty() @IsInt() @Min(0) seq: number;
}

export class OpenCaseDto {
  @ApiProperty() @IsString() title: string;
  @ApiProperty({ example: 'migrant-smuggling' }) @IsString() type: string;
  @ApiProperty({ enum: ['network', 'involved'] }) @IsIn(['network', 'involved']) handling:
    'network' | 'involved';
  @ApiProperty({ type: [String], example: ['GT', 'MX'] })
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  countries: string[];
  @ApiProperty() @IsString() summary: string;
}

export class UpdateCaseDto {
  @ApiPropertyOptional({ enum: ['open', 'awaiting-response', 'resolved', 'closed'] })
  @IsOptional()
  @IsString()
  status?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  countries?: string[];
  @ApiPropertyOptional({ enum: ['network', 'involved'] }) @IsOptional() @IsString() handling?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  assignees?: string[];
}
