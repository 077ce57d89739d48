import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Answers of the training routes, so the OpenAPI document describes them (and nothing else slips out). */
export class BilingualDto {
  @ApiProperty() en: string;
  @ApiProperty() es: string;
}

export class TrainingLocationDto {
  @ApiPropertyOptional({ description: 'in person: the city' }) city?: string;
  @ApiPropertyOptional({ description: 'in person: ISO 3166 alpha-2', example: 'MX' }) country?: string;
  @ApiPropertyOptional({ description: 'online: the link' }) url?: string;
}

export class TrainingEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: [String], example: ['smuggling-trafficking'] }) networks: string[];
  @ApiProperty({ enum: ['exercise', 'course', 'seminar', 'working-session'] }) kind: string;
  @ApiProperty({ type: BilingualDto }) title: BilingualDto;
  @ApiProperty({ type: BilingualDto }) description: BilingualDto;
  @ApiProperty({ type: [String], example: ['CA', 'US', 'MX'] }) sponsors: string[];
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ example: 'America/Mexico_City' }) timezone: string;
  @ApiProperty({ type: TrainingLocationDto }) location: TrainingLocationDto;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) registrationDeadline: string | null;
  @ApiProperty({ nullable: true, type: Number }) capacity: number | null;
  @ApiProperty({ enum: ['officers', 'members'] }) audience: string;
  @ApiProperty({ enum: ['draft', 'published', 'cancelled'] }) status: string;
  @ApiProperty({ description: 'the iCalendar SEQUENCE' }) sequence: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) publishedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt: string | null;
}

export class TrainingEventDetailDto extends TrainingEventDto {
  @ApiProperty() registered: number;
  @ApiProperty() waitlisted: number;
  @ApiProperty({ enum: ['registered', 'waitlisted'], nullable: true, type: String }) myRegistration:
    string | null;
}

export class RegistrationStatusDto {
  @ApiProperty({ enum: ['registered', 'waitlisted'] }) status: string;
}

export class RegistrantDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true, type: String }) country: string | null;
}

export class RegistrationDto {
  @ApiProperty({ type: RegistrantDto }) user: RegistrantDto;
  @ApiProperty({ enum: ['registered', 'waitlisted'] }) status: string;
  @ApiProperty({ format: 'date-time' }) registeredAt: string;
}

export class CalendarTokenDto {
  @ApiProperty() calendarToken: string;
}

export class NeedDto {
  @ApiProperty({ type: BilingualDto }) topic: BilingualDto;
  @ApiProperty({ enum: ['high', 'medium', 'low'] }) priority: string;
}

export class OfferDto {
  @ApiProperty({ type: BilingualDto }) topic: BilingualDto;
}

export class TrainingNeedsEntryDto {
  @ApiProperty({ example: 'GT' }) country: string;
  @ApiProperty({ type: [NeedDto] }) needs: NeedDto[];
  @ApiProperty({ type: [OfferDto] }) offers: OfferDto[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt: string | null;
}

export class TopicNeedDto {
  @ApiProperty({ example: 'GT' }) country: string;
  @ApiProperty({ enum: ['high', 'medium', 'low'] }) priority: string;
}

export class TopicDto {
  @ApiProperty({ type: BilingualDto }) topic: BilingualDto;
  @ApiProperty({ type: [TopicNeedDto] }) neededBy: TopicNeedDto[];
  @ApiProperty({ type: [String] }) offeredBy: string[];
}

export class TrainingNeedsAggregateDto {
  @ApiProperty() network: string;
  @ApiProperty({ type: [TrainingNeedsEntryDto] }) countries: TrainingNeedsEntryDto[];
  @ApiProperty({ type: [TopicDto], description: 'most needed first' }) topics: TopicDto[];
}
