import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FollowUps1764370000002 implements MigrationInterface {
  name = 'FollowUps1764370000002';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
