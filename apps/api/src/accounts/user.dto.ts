import { ApiProperty, OmitType } from '@nestjs/swagger';

/** Response shapes of accounts, sign-in and the audit log (OpenAPI; the views build them). */
export class MembershipDto {
  @ApiProperty({ enum: ['smuggling-trafficking', 'consular-protection'] })
  network: string;

  @ApiProperty({ enum: ['officer', 'observer'] })
  role: 'officer' | 'observer';
}

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ana@minex.gob.gt' })
  email: string;

  @ApiProperty({ example: 'Ana López' })
  displayName: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'GT',
    description: 'ISO 3166 alpha-2; null for observers',
  })
  country: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'IOM, UNHCR, ECLAC-CELADE, RNCOM',
  })
  organization: string | null;

  @ApiProperty({ enum: ['en', 'es'] })
  locale: 'en' | 'es';

  @ApiProperty({ example: 'America/Guatemala' })
  timezone: string;

  @ApiProperty({ enum: ['admin', 'secretariat'], isArray: true })
  roles: string[];

  @ApiProperty({ type: [MembershipDto] })
  memberships: MembershipDto[];

  @ApiProperty({ description: "true for officers of the country holding today's PPT term" })
  presidency: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'token of the calendar feeds' })
  calendarToken: string | null;
}

/** A user as the administration routes show it: without the calendar token, a credential only its owner sees. */
export class AdminUserDto extends OmitType(UserDto, ['calendarToken'] as const) {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when the account was disabled (offboarding); null while it may sign in',
  })
  disabledAt: string | null;
}

export class TokensDto {
  @ApiProperty({ description: 'JWT (HS256), sent as `Authorization: Bearer …`' })
  accessToken: string;

  @ApiProperty({ description: 'opaque; rotates on every use' })
  refreshToken: string;

  @ApiProperty({ example: 900, description: 'seconds until the access token expires' })
  expiresIn: number;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}

export class AuditEntryDto {
  @ApiProperty({ example: '42', description: 'increasing: newer entries have larger ids' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  at: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorId: string | null;

  @ApiProperty({ example: 'auth.login' })
  action: string;

  @ApiProperty({ type: String, nullable: true, example: 'user' })
  targetType: string | null;

  @ApiProperty({ type: String, nullable: true })
  targetId: string | null;

  @ApiProperty({ type: String, nullable: true, example: '127.0.0.1' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  requestId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  details: Record<string, unknown> | null;
}
