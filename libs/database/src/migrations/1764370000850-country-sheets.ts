import type { MigrationInterface, QueryRunner } from 'typeorm';

const TOPICS = `'visa-requirements', 'visa-types', 'consular-contacts', 'travel-documents', 'legislation'`;

/**
 * Country sheets (issue 12): one row per published version of a member country's sheet on a topic, Markdown in
 * English and Spanish, its author and time; versions are never changed or removed (a trigger refuses it). Follow-up
 * items may name a sheet topic: a country's assignment turns done when it publishes a new version of that sheet.
 */
export class CountrySheets1764370000850 implements MigrationInterface {
  name = 'CountrySheets1764370000850';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE country_sheets (
        country char(2) NOT NULL REFERENCES countries(code),
        topic text NOT NULL CHECK (topic IN (${TOPICS})),
        version integer NOT NULL CHECK (version >= 1),
        body_en text NOT NULL CHECK (length(body_en) BETWEEN 1 AND 50000),
        body_es text NOT NULL CHECK (length(body_es) BETWEEN 1 AND 50000),
        author_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (country, topic, version)
      )`);
    await q.query(`
      CREATE FUNCTION country_sheets_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'country_sheets versions are never changed';
      END $$`);
    await q.query(`
      CREATE TRIGGER country_sheets_no_change BEFORE UPDATE OR DELETE ON country_sheets
      FOR EACH ROW EXECUTE FUNCTION country_sheets_append_only()`);
    await q.query(
      `ALTER TABLE follow_ups ADD COLUMN sheet_topic text CHECK (sheet_topic IS NULL OR sheet_topic IN (${TOPICS}))`,
    );
    await q.query(
      `CREATE INDEX follow_ups_sheet ON follow_ups (sheet_topic) WHERE sheet_topic IS NOT NULL AND cancelled_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS follow_ups_sheet`);
    await q.query(`ALTER TABLE follow_ups DROP COLUMN IF EXISTS sheet_topic`);
    await q.query(`DROP TABLE IF EXISTS country_sheets`);
    await q.query(`DROP FUNCTION IF EXISTS country_sheets_append_only()`);
  }
}
