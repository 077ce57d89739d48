import { ArrayMaxSize, IsArray, IsIn, IsInt, IsString, Min } from 'class-validator';
import { domainErrorBody, ValidationFailed } from '#domain';
import { SocketSendMessageDto, SyncDto } from '../messaging/socket/socket-payloads.js';
import { IsCountryCode, validatePayload } from './validation.js';

class TermDto {
  @IsCountryCode('member') country: string;
}
class ListDto {
  @IsArray() @ArrayMaxSize(2) @IsCountryCode('rcm', { each: true }) countries: string[];
  @IsIn(['network', 'officers']) visibility: string;
  @IsInt() @Min(0) seq: number;
  @IsString() name: string;
}

/** The error body a caller of `locale` reads. */
const body = (fn: () => unknown, locale: 'en' | 'es' = 'en') => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationFailed);
    return domainErrorBody(e as ValidationFailed, locale);
  }
  throw new Error('expected a validation error');
};

describe('validatePayload (the HTTP pipe and the socket share it)', () => {
  it('returns the DTO instance of a valid payload', () => {
    const dto = validatePayload(SocketSendMessageDto, {
      channelId: 'c',
      body: 'hola',
      clientMessageId: 'm1',
    });
    expect(dto).toBeInstanceOf(SocketSendMessageDto);
    expect(dto).toEqual({ channelId: 'c', body: 'hola', clientMessageId: 'm1' });
  });

  it('says a missing field is required, in English and Spanish', () => {
    const payload = { channelId: 'c', body: 'hola' };
    expect(body(() => validatePayload(SocketSendMessageDto, payload)).details).toEqual([
      { field: 'clientMessageId', message: 'is required' },
    ]);
    expect(body(() => validatePayload(SocketSendMessageDto, payload), 'es')).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'La solicitud no es válida.',
      details: [{ field: 'clientMessageId', message: 'es obligatorio' }],
    });
  });

  it('refuses unknown fields and values that are not objects', () => {
    expect(body(() => validatePayload(SyncDto, { cursors: {}, since: 1 })).details).toEqual([
      { field: 'since', message: 'is not a known field' },
    ]);
    const proto = JSON.parse('{"cursors":{},"__proto__":{"admin":true}}');
    const nested = { cursors: { constructor: { prototype: { admin: true } } } };
    expect(body(() => validatePayload(SyncDto, proto)).details).toEqual([
      { field: '__proto__', message: 'is not a known field' },
    ]);
    expect(body(() => validatePayload(SyncDto, nested)).details).toEqual([
      { field: 'cursors.constructor', message: 'is not a known field' },
    ]);
    for (const value of [null, 'x', 3, [{}]]) {
      expect(body(() => validatePayload(SyncDto, value), 'es').details).toEqual([
        { field: 'payload', message: 'debe ser un objeto' },
      ]);
    }
  });

  it('words class-validator constraints the same way in both languages', () => {
    const bad = { countries: ['GT', 'XX', 'CO'], visibility: 'private', seq: -1, name: 7 };
    expect(body(() => validatePayload(ListDto, bad)).details).toEqual([
      {
        field: 'countries',
        message:
          'each value must be the code of a member or observer country: ' +
          'BZ, CA, CR, DO, SV, GT, HN, MX, NI, PA, US, AR, CO, EC, PE',
      },
      { field: 'countries', message: 'must list at most 2 items' },
      { field: 'visibility', message: 'must be one of: network, officers' },
      { field: 'seq', message: 'must not be less than 0' },
      { field: 'name', message: 'must be a string' },
    ]);
    expect(body(() => validatePayload(ListDto, bad), 'es').details?.map((d) => d.message)).toEqual([
      'cada valor debe ser el código de un país miembro u observador: ' +
        'BZ, CA, CR, DO, SV, GT, HN, MX, NI, PA, US, AR, CO, EC, PE',
      'debe tener como máximo 2 elementos',
      'debe ser uno de: network, officers',
      'no debe ser menor que 0',
      'debe ser un texto',
    ]);
  });

  it('lists the member countries when a code is not one', () => {
    expect(body(() => validatePayload(TermDto, { country: 'AR' }), 'es').details).toEqual([
      {
        field: 'country',
        message: 'debe ser el código de un país miembro: BZ, CA, CR, DO, SV, GT, HN, MX, NI, PA, US',
      },
    ]);
  });
});
