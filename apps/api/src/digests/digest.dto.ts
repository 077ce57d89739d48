import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

export class DigestSubscriptionRequestDto {
  @ApiProperty({ example: 'analyst@ministry.example' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ type: [String], example: ['consular-protection'] })
  @IsArray()
  networks: string[];

  @ApiProperty({ enum: ['daily', 'weekly'] })
  @IsDefined()
  frequency: string;

  @ApiProperty({ minimum: 0, maximum: 23, example: 8 })
  @IsDefined()
  hour: number;

  @ApiProperty({ example: 'America/Guatemala' })
  @IsDefined()
  timezone: string;

  @ApiProperty({ enum: ['en', 'es'] })
  @IsDefined()
  locale: string;
}

export class DigestConfirmDto {
  @ApiProperty({ description: 'the token of the confirmation email' })
  @IsString()
  @MaxLength(200)
  token: string;
}

export class AccountDigestDto {
  @ApiProperty()
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ enum: ['daily', 'weekly'] })
  @IsIn(['daily', 'weekly'])
  frequency: 'daily' | 'weekly';

  @ApiProperty({ minimum: 0, maximum: 23 })
  @IsInt()
  hour: number;

  @ApiPropertyOptional({
    nullable: true,
    description: "an IANA zone; null or omitted: the account's time zone",
  })
  @IsOptional()
  @IsString()
  timezone?: string | null;

  @ApiProperty({ type: [String], example: ['consular-protection'] })
  @IsArray()
  networks: string[];
}

export class AccountDigestViewDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: ['daily', 'weekly'] }) frequency: 'daily' | 'weekly';
  @ApiProperty() hour: number;
  @ApiProperty({ nullable: true, type: String }) timezone: string | null;
  @ApiProperty({ type: [String], example: ['consular-protection'] }) networks: string[];
}

export class DigestRunDto {
  @ApiProperty({ enum: ['daily', 'weekly'] })
  @IsDefined()
  frequency: string;

  @ApiPropertyOptional({
    example: '2027-03-28T08:00:00+02:00',
    description: 'run as if the clock were this time',
  })
  @IsOptional()
  @IsString()
  at?: string;
}

export class DigestSubscriptionRequestedDto {
  @ApiProperty({ enum: ['confirmation-sent'], description: 'the same answer whatever the address' })
  status: 'confirmation-sent';
}

export class DigestSubscriptionConfirmedDto {
  @ApiProperty({ enum: ['active'] })
  status: 'active';
}

export class DigestRunQueuedDto {
  @ApiProperty({ description: 'digest jobs queued for the subscribers due at that time' })
  queued: number;
}

export class DigestTokenDto {
  @ApiProperty({ description: 'the signed token of the List-Unsubscribe link' })
  @IsString()
  @MaxLength(200)
  token: string;
}

/** What the unsubscribe page shows: never the address nor the networks. */
export class DigestSubscriptionViewDto {
  @ApiProperty({ enum: ['en', 'es'] }) locale: 'en' | 'es';
  @ApiProperty({ enum: ['daily', 'weekly'] }) frequency: 'daily' | 'weekly';
  @ApiProperty({ enum: ['pending', 'active', 'unsubscribed'] }) status: string;
}
