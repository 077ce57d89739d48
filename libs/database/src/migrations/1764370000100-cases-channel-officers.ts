import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The default `cases` channel of each network is for officers only (issue 7, item 8): observers and staff never read
 * case talk. Existing deployments created it with `network` visibility.
 */
export class CasesChannelOfficersOnly1764370000100 implements MigrationInterface {
  name = 'CasesChannelOfficersOnly1764370000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE channels SET visibility = 'officers' WHERE is_default AND kind = 'channel' AND name = 'cases'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE channels SET visibility = 'network' WHERE is_default AND kind = 'channel' AND name = 'cases'`,
    );
  }
}
