import { Foundation1764370000000 } from './1764370000000-foundation.js';
import { Messaging1764370000001 } from './1764370000001-messaging.js';
import { FollowUps1764370000002 } from './1764370000002-follow-ups.js';

/** Every migration, in order. The schema is versioned here; `synchronize` is never used. */
export const migrations = [Foundation1764370000000, Messaging1764370000001, FollowUps1764370000002];
