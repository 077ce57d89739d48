import { applyDecorators, type INestApplication } from '@nestjs/common';
import {
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  DocumentBuilder,
  type OpenAPIObject,
  SwaggerModule,
} from '@nestjs/swagger';

/** One problem with the input: the field (when one is at fault) and what was expected. */
export class ErrorDetailDto {
  @ApiPropertyOptional({ example: 'countries' })
  field?: string;

  @ApiProperty({ example: 'must list ISO 3166 alpha-2 codes such as GT' })
  message: string;
}

export class ErrorBodyDto {
  @ApiProperty({
    example: 'VALIDATION_FAILED',
    description: 'UPPER_SNAKE_CASE, stable: clients branch on it',
  })
  code: string;

  @ApiProperty({
    example: 'The request is not valid.',
    description: "in the caller's locale (English or Spanish)",
  })
  message: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[];
}

/** Every error of the API: `{"error":{"code","message","details"?}}`. */
export class ErrorDto {
  @ApiProperty({ type: ErrorBodyDto })
  error: ErrorBodyDto;
}

const ERROR_DESCRIPTIONS = {
  400: 'invalid input (a field, a query parameter or an unknown field in the body)',
  401: 'no live session: missing, expired or revoked access token',
  403: 'not allowed for the caller',
  404: 'not found, or not visible to the caller',
  409: 'conflicts with the current state',
  413: 'too large',
  415: 'unsupported media type: the file is not of an accepted type, or its bytes are not what its name says',
  429: 'rate limited: see Retry-After',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The error answers a route (or every route of a controller) can give, each with the body `ErrorDto`. */
export function ApiErrors(...statuses: ErrorStatus[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorDto }),
    ),
  );
}

/** The OpenAPI document of the API: served at /api/docs(-json) and written to docs/openapi.json. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Enlace API')
      .setDescription(
        'Messaging service of the RCM liaison officer networks. Errors always have the body ' +
          '`{"error":{"code","message","details"?}}` (`ErrorDto`). Realtime events: docs/asyncapi.yaml.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}
