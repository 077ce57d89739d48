import { Foundation1764370000000 } from './1764370000000-foundation.js';
import { Messaging1764370000001 } from './1764370000001-messaging.js';
import { FollowUps1764370000002 } from './1764370000002-follow-ups.js';
import { CasesChannelOfficersOnly1764370000100 } from './1764370000100-cases-channel-officers.js';
import { LoginThrottleAndRotations1764370000101 } from './1764370000101-login-throttle-and-rotations.js';
import { Training1764370000600 } from './1764370000600-training.js';
import { Digests1764370000700 } from './1764370000700-digests.js';
import { Attachments1764370000800 } from './1764370000800-attachments.js';
import { CountrySheets1764370000850 } from './1764370000850-country-sheets.js';
import { AccountSelfService1764370000900 } from './1764370000900-account-self-service.js';
import { TwoFactor1764370000950 } from './1764370000950-two-factor.js';
import { Retention1764370001050 } from './1764370001050-retention.js';

/** Every migration, in order. The schema is versioned here; `synchronize` is never used. */
export const migrations = [
  Foundation1764370000000,
  Messaging1764370000001,
  FollowUps1764370000002,
  CasesChannelOfficersOnly1764370000100,
  LoginThrottleAndRotations1764370000101,
  Training1764370000600,
  Digests1764370000700,
  Attachments1764370000800,
  CountrySheets1764370000850,
  AccountSelfService1764370000900,
  TwoFactor1764370000950,
  Retention1764370001050,
];
