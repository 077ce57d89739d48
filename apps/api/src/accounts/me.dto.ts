import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Request and response shapes of account self-service (API.md "Account self-service"). */
export class UpdateProfileDto {
  @ApiPropertyOptional({ example: 'Ana López', minLength: 1, maxLength: 120 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  displayName?: string;

  @ApiPropertyOptional({ enum: ['en', 'es'] })
  @IsOptional()
  @IsIn(['en', 'es'])
  locale?: 'en' | 'es';

  @ApiPropertyOptional({ example: 'America/Guatemala', description: 'IANA time zone' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 1024 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  newPassword: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'officer@example.org' })
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class PasswordResetRequestedDto {
  @ApiProperty({
    enum: ['requested'],
    description: 'the same answer whatever the address; only a known, enabled account gets the email',
  })
  status: 'requested';
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'the token of the link in the reset email' })
  @IsString()
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: 12, maxLength: 1024 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  newPassword: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', description: 'last sign-in or token refresh' })
  lastUsedAt: string;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0 …' })
  userAgent: string | null;

  @ApiProperty({ description: 'the session of the access token of this request ("this device")' })
  current: boolean;
}
