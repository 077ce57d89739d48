import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Request and response shapes of two-factor sign-in (TOTP, recovery codes, passkeys). */
export class CodeDto {
  @ApiProperty({
    example: '123456',
    description: 'a 6-digit TOTP code, or a recovery code (xxxx-xxxx-xxxx-xxxx)',
  })
  @IsString()
  @MinLength(6)
  @MaxLength(40)
  code: string;
}

export class MfaLoginDto extends CodeDto {
  @ApiProperty({ description: 'from the answer of POST /api/auth/login' })
  @IsString()
  @MaxLength(200)
  mfaToken: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'base32; shown once, for manual entry',
  })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/Enlace:ana%40minex.gob.gt?secret=…&issuer=Enlace' })
  otpauthUrl: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'ten single-use codes, shown this once' })
  recoveryCodes: string[];
}

export class MfaChallengeDto {
  @ApiProperty({ enum: [true] })
  mfaRequired: true;

  @ApiProperty({ description: 'valid 5 minutes and 5 codes; gives no access' })
  mfaToken: string;

  @ApiProperty({
    type: [String],
    enum: ['totp', 'recovery-code', 'passkey'],
    description: 'ways to finish signing in (passkey: POST /api/auth/passkey)',
  })
  methods: string[];
}

export class PasskeyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Passkey 2026-11-29' })
  name: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastUsedAt?: string | null;
}

export class PasskeyRegistrationDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the RegistrationResponseJSON of navigator.credentials.create() (@simplewebauthn/browser)',
  })
  @IsObject()
  response: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Office laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  name?: string;
}

export class PasskeySignInDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the AuthenticationResponseJSON of navigator.credentials.get() (@simplewebauthn/browser)',
  })
  @IsObject()
  response: Record<string, unknown>;
}

export class WebAuthnOptionsDto {
  @ApiProperty({ description: 'a base64url challenge, valid 5 minutes, usable once' })
  challenge: string;

  @ApiProperty({ example: 'localhost' })
  rpId?: string;
}

export class TwoFactorStatusDto {
  @ApiProperty({ description: 'sign-in with a password asks for a TOTP or recovery code' })
  totp: boolean;

  @ApiProperty({ example: 10 })
  recoveryCodesLeft: number;

  @ApiProperty({ example: 1, description: 'registered passkeys' })
  passkeys: number;
}
