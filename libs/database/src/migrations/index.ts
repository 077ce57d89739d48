import { Foundation1764370000000 } from './1764370000000-foundation.js';

/** Every migration, in order. The schema is versioned here; `synchronize` is never used. */
export const migrations = [Foundation1764370000000];
