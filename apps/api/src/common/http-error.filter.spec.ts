import { jest } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { NotAllowed, ValidationFailed } from '#domain';
import { toHttpError } from './http-error.filter.js';

const req = (headers: Record<string, string> = {}) => ({ headers, id: 'req-123' }) as any;

describe('toHttpError (the one HTTP error mapping)', () => {
  it('maps domain errors to their status, code and details', () => {
    const logger = { error: jest.fn() } as any;
    const v = toHttpError(
      new ValidationFailed([{ field: 'email', message: 'must be an email', es: 'debe ser un correo' }]),
      req(),
      logger,
    );
    expect(v).toMatchObject({
      status: 400,
      body: {
        error: { code: 'VALIDATION_FAILED', details: [{ field: 'email', message: 'must be an email' }] },
      },
    });
    expect(toHttpError(new NotAllowed(), req({ 'accept-language': 'es-GT' }), logger).body.error).toEqual({
      code: 'FORBIDDEN',
      message: 'No tiene permiso para hacer esto.',
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('maps framework errors and body-parser errors', () => {
    const logger = { error: jest.fn() } as any;
    expect(toHttpError(new NotFoundException('Cannot GET /x'), req(), logger)).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(toHttpError(new BadRequestException('x'), req(), logger).status).toBe(400);
    expect(toHttpError({ type: 'entity.parse.failed', status: 400 }, req(), logger).body.error.code).toBe(
      'INVALID_JSON',
    );
    expect(toHttpError({ type: 'entity.too.large', status: 413 }, req(), logger)).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
  });

  it('turns unknown errors into 500 without their text, and logs them with the correlation id', () => {
    const logger = { error: jest.fn() } as any;
    const res = toHttpError(new Error('relation "secret_table" does not exist'), req(), logger);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('secret_table');
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ correlationId: 'req-123' }),
      expect.stringContaining('req-123'),
    );
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After when PostgreSQL or Redis cannot be reached', () => {
    const logger = { error: jest.fn(), warn: jest.fn() } as any;
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shutdown = Object.assign(new Error('query failed'), {
      driverError: { code: '57P01', message: 'terminating connection due to administrator command' },
    });
    const terminated = new Error('Connection terminated unexpectedly');
    for (const e of [refused, shutdown, terminated]) {
      expect(toHttpError(e, req(), logger)).toEqual({
        status: 503,
        retryAfter: 5,
        body: {
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: 'The service is unavailable right now; try again in a few seconds.',
          },
        },
      });
    }
    expect(toHttpError(refused, req({ 'accept-language': 'es' }), logger).body.error.message).toBe(
      'El servicio no está disponible en este momento.',
    );
    expect(logger.error).not.toHaveBeenCalled();
    // a query's own fault stays a 500
    const bad = Object.assign(new Error('query failed'), { driverError: { code: '42P01' } });
    expect(toHttpError(bad, req(), logger).status).toBe(500);
  });
});
