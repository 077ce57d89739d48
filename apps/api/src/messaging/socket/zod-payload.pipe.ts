import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** A missing field says so, rather than zod's "expected string, received undefined". */
const requiredWhenMissing = (issue: { code?: string; input?: unknown }) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;

/** Parses a socket event's payload with its zod schema; a ZodError reaches the WS filter as VALIDATION_FAILED. */
export class ZodPayloadPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return this.schema.parse(value, { error: requiredWhenMissing });
  }
}
