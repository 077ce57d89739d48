import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { NETWORK_SLUGS } from '#domain';
import { IsCountryCode } from '../common/validation.js';

export class MembershipDto {
  @ApiProperty({ enum: NETWORK_SLUGS })
  @IsIn(NETWORK_SLUGS as unknown as string[])
  network: string;

  @ApiProperty({ enum: ['officer', 'observer'] })
  @IsIn(['officer', 'observer'])
  role: 'officer' | 'observer';
}

export class CreateUserDto {
  @ApiProperty() @IsEmail() @MaxLength(254) email: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password: string;

  @ApiProperty() @IsString() @MinLength(1) @MaxLength(120) displayName: string;

  @ApiPropertyOptional({ example: 'GT' })
  @IsOptional()
  @IsCountryCode('rcm')
  country?: string;

  @ApiPropertyOptional({ example: 'IOM' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  organization?: string;

  @ApiProperty({ enum: ['en', 'es'] }) @IsIn(['en', 'es']) locale: 'en' | 'es';

  @ApiProperty({ example: 'America/Guatemala' }) @IsString() @MaxLength(64) timezone: string;

  @ApiPropertyOptional({ isArray: true, enum: ['admin', 'secretariat'] })
  @IsOptional()
  @IsArray()
  @IsIn(['admin', 'secretariat'], { each: true })
  roles?: Array<'admin' | 'secretariat'>;

  @ApiProperty({ type: [MembershipDto] })
  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => MembershipDto)
  memberships: MembershipDto[];
}

export class SetMembershipsDto {
  @ApiProperty({ type: [MembershipDto] })
  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => MembershipDto)
  memberships: MembershipDto[];
}
