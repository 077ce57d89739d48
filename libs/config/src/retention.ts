import { Duration } from 'luxon';

/** The networks whose messages and cases have their own retention periods (DOMAIN.md). */
export const RETENTION_NETWORKS = ['smuggling-trafficking', 'consular-protection'] as const;
export type RetentionNetwork = (typeof RETENTION_NETWORKS)[number];

/**
 * Retention periods (ISO 8601 durations such as `P2Y`), decided by the deployment; unset keeps everything.
 * - `messages`: channel messages (not case threads) per network, counted from when they were stored;
 * - `cases`: closed cases with their threads per network, counted from closing (open cases are never purged);
 * - `audit`: audit rows, at least as long as any other period.
 */
export interface RetentionConfig {
  messages: Partial<Record<RetentionNetwork, string>>;
  cases: Partial<Record<RetentionNetwork, string>>;
  audit?: string;
}

const DAY_MS = 24 * 3600 * 1000;

function validDuration(value: string): boolean {
  if (!/^P/.test(value) || /^-/.test(value)) return false;
  const d = Duration.fromISO(value);
  return d.isValid && d.toMillis() >= DAY_MS;
}

/** Approximate length (a year as 365 days, a month as 30) to compare periods; cut-offs use calendar arithmetic. */
export function retentionMillis(value: string): number {
  return Duration.fromISO(value).toMillis();
}

/**
 * `P2Y` (both networks) or `smuggling-trafficking:P3Y,consular-protection:P2Y` (a network left out keeps
 * everything). Returns the error message for the variable, or the periods.
 */
export function parsePerNetwork(
  name: string,
  value: string | undefined,
): Partial<Record<RetentionNetwork, string>> | string {
  if (value === undefined || value.trim() === '') return {};
  const v = value.trim();
  const problem = `${name} must be an ISO 8601 duration of at least one day (P2Y), or <network>:<duration> pairs separated by commas (smuggling-trafficking:P3Y,consular-protection:P2Y)`;
  if (!v.includes(':')) {
    if (!validDuration(v)) return problem;
    return Object.fromEntries(RETENTION_NETWORKS.map((n) => [n, v]));
  }
  const out: Partial<Record<RetentionNetwork, string>> = {};
  for (const pair of v.split(',').map((s) => s.trim())) {
    const [network, duration, extra] = pair.split(':');
    if (extra !== undefined || !(RETENTION_NETWORKS as readonly string[]).includes(network)) return problem;
    if (!duration || !validDuration(duration) || out[network as RetentionNetwork]) return problem;
    out[network as RetentionNetwork] = duration;
  }
  return out;
}

/** The three variables together; a string is the error message (the caller prefixes "Invalid configuration:"). */
export function parseRetention(env: {
  RETENTION_MESSAGES?: string;
  RETENTION_CASES?: string;
  RETENTION_AUDIT?: string;
}): RetentionConfig | string {
  const messages = parsePerNetwork('RETENTION_MESSAGES', env.RETENTION_MESSAGES);
  if (typeof messages === 'string') return messages;
  const cases = parsePerNetwork('RETENTION_CASES', env.RETENTION_CASES);
  if (typeof cases === 'string') return cases;
  const audit = env.RETENTION_AUDIT?.trim() || undefined;
  if (audit !== undefined && !validDuration(audit))
    return 'RETENTION_AUDIT must be an ISO 8601 duration of at least one day, such as P7Y';
  if (audit !== undefined) {
    const longest = [...Object.values(messages), ...Object.values(cases)].reduce(
      (max, d) => Math.max(max, retentionMillis(d!)),
      0,
    );
    if (retentionMillis(audit) < longest)
      return 'RETENTION_AUDIT must be at least as long as every period of RETENTION_MESSAGES and RETENTION_CASES (the audit log outlives what it records)';
  }
  return { messages, cases, audit };
}
