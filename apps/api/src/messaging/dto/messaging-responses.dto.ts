import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttachmentRefDto } from '../../attachments/attachments.dto.js';

/** Response shapes of networks, channels, messages, cases and search (OpenAPI; the domain views build them). */
export class PersonDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Ana López' })
  displayName: string;

  @ApiProperty({ type: String, nullable: true, example: 'GT' })
  country: string | null;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  channelId: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  caseId: string | null;

  @ApiProperty({ example: 1, description: '1, 2, 3, … within the channel, no gaps' })
  seq: number;

  @ApiProperty({ type: PersonDto, nullable: true, description: 'null for system messages' })
  author: PersonDto | null;

  @ApiProperty({ description: 'empty once deleted' })
  body: string;

  @ApiProperty({ enum: ['normal', 'urgent'] })
  priority: 'normal' | 'urgent';

  @ApiProperty()
  requestAck: boolean;

  @ApiProperty({ type: String, nullable: true })
  clientMessageId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  editedAt: string | null;

  @ApiProperty()
  deleted: boolean;

  @ApiProperty({ type: [AttachmentRefDto], description: 'the files it carries (empty once deleted)' })
  attachments: AttachmentRefDto[];
}

export class LocalizedTextDto {
  @ApiProperty()
  en: string;

  @ApiProperty()
  es: string;
}

export class NetworkDto {
  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] })
  slug: string;

  @ApiProperty({ type: LocalizedTextDto })
  name: LocalizedTextDto;

  @ApiProperty({ enum: ['officer', 'observer', 'staff'], description: 'staff: admin or secretariat' })
  role: string;
}

export class ChannelDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'general' })
  name: string;

  @ApiProperty({ enum: ['network', 'officers', 'private'] })
  visibility: string;

  @ApiProperty({ example: 0 })
  lastSeq: number;

  @ApiProperty({ example: 0 })
  unreadCount: number;
}

export class CreatedChannelDto extends ChannelDto {
  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] })
  network: string;

  @ApiPropertyOptional({ type: [PersonDto], description: 'private channels: the listed members' })
  members?: PersonDto[];
}

export class CaseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CP-2026-0001' })
  reference: string;

  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] })
  network: string;

  @ApiProperty({ example: 'detention' })
  type: string;

  @ApiProperty({ enum: ['network', 'involved'] })
  handling: string;

  @ApiProperty({ type: [String], example: ['GT', 'MX'] })
  countries: string[];

  @ApiProperty({ enum: ['open', 'awaiting-response', 'resolved', 'closed'] })
  status: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  summary: string;

  @ApiProperty({ type: PersonDto })
  openedBy: PersonDto;

  @ApiProperty({ type: [PersonDto] })
  assignees: PersonDto[];

  @ApiProperty({ format: 'uuid', description: "the case thread's channel" })
  channelId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({ description: 'in lists: the last seq of the thread' })
  lastSeq?: number;

  @ApiPropertyOptional({ description: 'in lists: unread messages of the thread' })
  unreadCount?: number;
}

export class MessageEditDto {
  @ApiProperty({ enum: ['edit', 'delete'] })
  kind: string;

  @ApiProperty({ description: 'the body before this change' })
  previousBody: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  editorId: string | null;

  @ApiProperty({ format: 'date-time' })
  at: string;
}

export class MessageAckDto {
  @ApiProperty({ type: PersonDto })
  user: PersonDto;

  @ApiProperty({ format: 'date-time' })
  ackedAt: string;
}

export class SearchHitDto {
  @ApiProperty({ enum: ['message', 'case'] })
  type: 'message' | 'case';

  @ApiProperty({ example: 0.42 })
  rank: number;

  @ApiPropertyOptional({ type: MessageDto, description: 'when type is message' })
  message?: MessageDto;

  @ApiPropertyOptional({ type: CaseDto, description: 'when type is case' })
  case?: CaseDto;
}

export class SearchResultsDto {
  @ApiProperty({ type: [SearchHitDto] })
  results: SearchHitDto[];
}
