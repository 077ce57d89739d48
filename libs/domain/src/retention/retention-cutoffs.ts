import { DateTime, Duration } from 'luxon';
import { RETENTION_NETWORKS, type RetentionConfig, type RetentionNetwork } from '#config';

/** The instants before which data goes, for one purge run at `now` (calendar arithmetic in UTC: P1Y is a year). */
export interface RetentionCutoffs {
  messages: Partial<Record<RetentionNetwork, Date>>;
  cases: Partial<Record<RetentionNetwork, Date>>;
  audit?: Date;
}

function before(now: Date, period: string): Date {
  return DateTime.fromJSDate(now, { zone: 'utc' }).minus(Duration.fromISO(period)).toJSDate();
}

export function retentionCutoffs(config: RetentionConfig, now: Date): RetentionCutoffs {
  const per = (periods: Partial<Record<RetentionNetwork, string>>) =>
    Object.fromEntries(
      RETENTION_NETWORKS.filter((n) => periods[n]).map((n) => [n, before(now, periods[n]!)]),
    ) as Partial<Record<RetentionNetwork, Date>>;
  return {
    messages: per(config.messages),
    cases: per(config.cases),
    audit: config.audit ? before(now, config.audit) : undefined,
  };
}

/** True when the configuration purges nothing at all (the default). */
export function retainsEverything(config: RetentionConfig): boolean {
  return !Object.keys(config.messages).length && !Object.keys(config.cases).length && !config.audit;
}
