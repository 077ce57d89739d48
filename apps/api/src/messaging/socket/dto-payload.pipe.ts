import type { PipeTransform } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { ValidationFailed } from '#domain';
import { validatePayload } from '../../common/validation.js';

/** A socket payload that did not pass its DTO: VALIDATION_FAILED, and a strike for the socket. */
export class InvalidPayload extends ValidationFailed {}

/**
 * Checks a socket event's payload against its DTO class with `validatePayload`, as the HTTP pipe checks a body; the
 * error reaches the WS filter and is answered through the ack in the caller's language.
 */
export class DtoPayloadPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(private readonly dto: ClassConstructor<T>) {}

  transform(value: unknown): T {
    try {
      return validatePayload(this.dto, value);
    } catch (error) {
      if (error instanceof ValidationFailed) throw new InvalidPayload(error.details ?? []);
      throw error;
    }
  }
}
