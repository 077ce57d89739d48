/** The retention purge (issue 14): one job scheduler, registered by workers, one run a day. */
export const RETENTION_QUEUES = { purge: 'retention' } as const;

/** Daily at 02:30 UTC (evening of the day before in the member countries, away from their working hours). */
export const RETENTION_SCHEDULE = { id: 'retention-purge', pattern: '30 2 * * *', tz: 'UTC' } as const;
