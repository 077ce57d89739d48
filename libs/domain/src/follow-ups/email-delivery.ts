/**
 * Sends one email per row, each claimed before and marked after: a row already sent by another run is skipped, a
 * row left 'sending' by a dead worker is sent again. One failing address does not stop the others; the run throws
 * at the end so the job is retried for the failed rows only.
 */
export async function sendClaimedEmails<R>(
  rows: R[],
  steps: {
    claim(row: R): Promise<boolean>;
    send(row: R): Promise<unknown>;
    sent(row: R): Promise<void>;
    label(row: R): string;
  },
): Promise<number> {
  let delivered = 0;
  const failures: string[] = [];
  for (const row of rows) {
    if (!(await steps.claim(row))) continue;
    try {
      await steps.send(row);
      await steps.sent(row);
      delivered++;
    } catch (error) {
      failures.push(`${steps.label(row)}: ${(error as Error).message}`);
    }
  }
  if (failures.length)
    throw new Error(
      `${failures.length} of ${rows.length} emails failed (the job is retried): ${failures[0]}`,
    );
  return delivered;
}
