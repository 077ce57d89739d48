import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Messaging1764370000001 implements MigrationInterface {
  name = 'Messaging1764370000001';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
