import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import { ArrayMaxSize, getMetadataStorage, IsArray, IsOptional, IsString } from 'class-validator';
import { socketPayloads } from '../messaging/socket/socket-payloads.js';
import { CreateUserDto } from '../accounts/admin-users.dto.js';
import { fastValidate } from './fast-validation.js';
import { validateFully, validatePayload } from './validation.js';

/** The shortcut may only accept what the full class-validator path accepts, with the same instance. */

const VALUES: unknown[] = [
  'x',
  '',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(10_001),
  '6f1c2a7e-2f7b-4c4e-9a51-0f5b1b1f2d3c',
  'normal',
  'urgent',
  'loud',
  'GT',
  0,
  -1,
  1.5,
  7,
  Number.NaN,
  true,
  false,
  null,
  {},
  [],
  ['x'],
  { a: 1 },
];

/** A small deterministic generator (mulberry32), so a failure names a payload that can be replayed. */
function random(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fullPath<T extends object>(dto: ClassConstructor<T>, value: object): T | Error {
  try {
    return validateFully(dto, value);
  } catch (error) {
    return error as Error;
  }
}

const dtos: Array<[string, ClassConstructor<object>]> = [
  ...Object.entries(socketPayloads),
  ['CreateUserDto (nested lists: never shortcut)', CreateUserDto],
];

/** A valid payload of each DTO, mutated by the generator half of the time (so both answers are reached). */
const VALID: Record<string, Record<string, unknown>> = {
  'message.send': {
    channelId: 'c',
    body: 'Hola',
    clientMessageId: 'k',
    priority: 'normal',
    requestAck: false,
  },
  'message.edit': { id: 'm', body: 'x' },
  'message.delete': { id: 'm' },
  'message.ack': { id: 'm' },
  'channel.read': { channelId: 'c', seq: 3 },
  typing: { channelId: 'c' },
};
/** Payloads with an object or list field never take the shortcut. */
const NEVER = new Set(['sync', 'presence.watch', 'CreateUserDto (nested lists: never shortcut)']);

describe('fastValidate, the shortcut of validatePayload', () => {
  it.each(dtos)('%s: accepts only what class-validator accepts, as the same instance', (name, dto) => {
    const fields = [
      ...new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(dto, '', true, false)
          .map((m) => m.propertyName),
      ),
      'extra',
    ];
    const next = random(fields.length * 7919);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const payload: Record<string, unknown> = {};
      if (VALID[name] && next() < 0.5) {
        Object.assign(payload, VALID[name]);
        const f = fields[Math.floor(next() * fields.length)];
        if (next() < 0.2) delete payload[f];
        else payload[f] = VALUES[Math.floor(next() * VALUES.length)];
      } else {
        for (const f of fields) {
          const r = next();
          if (f === 'extra' ? r < 0.9 : r < 0.15) continue;
          payload[f] = VALUES[Math.floor(next() * VALUES.length)];
        }
      }
      const fast = fastValidate(dto, payload);
      if (fast === null) continue;
      accepted++;
      const full = fullPath(dto, payload);
      expect({ payload, full: full instanceof Error ? full.message : 'ok' }).toEqual({ payload, full: 'ok' });
      expect(Object.getPrototypeOf(fast)).toBe(dto.prototype);
      expect({ ...fast }).toEqual({ ...(full as object) });
    }
    // the generator reaches the shortcut's accepting side for every socket payload (else this proves nothing)
    if (NEVER.has(name)) expect(accepted).toBe(0);
    else expect(accepted).toBeGreaterThan(20);
  });

  it('takes the shortcut for a well-formed message.send and refuses bad ones to the full path', () => {
    const dto = socketPayloads['message.send'];
    const good = {
      channelId: 'c1',
      body: 'Hola',
      clientMessageId: 'k1',
      priority: 'urgent',
      requestAck: true,
    };
    expect(fastValidate(dto, good)).toEqual(Object.assign(new dto(), good));
    expect(fastValidate(dto, { ...good, priority: 'loud' })).toBeNull();
    expect(fastValidate(dto, { ...good, admin: true })).toBeNull();
    expect(fastValidate(dto, { ...good, body: 5 })).toBeNull();
    expect(fastValidate(dto, { body: 'x', clientMessageId: 'k' })).toBeNull();
    expect(() => validatePayload(dto, { ...good, priority: 'loud' })).toThrow();
  });

  it('leaves a field it cannot check to the full path, unless that field is optional and absent', () => {
    class WithListDto {
      @IsString() body: string;
      @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) ids?: string[];
    }
    expect(fastValidate(WithListDto, { body: 'x' })).toEqual(Object.assign(new WithListDto(), { body: 'x' }));
    expect(fastValidate(WithListDto, { body: 'x', ids: ['a'] })).toBeNull();
    expect(fastValidate(WithListDto, { body: 'x', ids: 'a' })).toBeNull();
    expect(fastValidate(WithListDto, { body: 'x', ids: null })).toBeNull();
    expect(() => validateFully(WithListDto, { body: 'x', ids: 'a' })).toThrow();
  });
});
