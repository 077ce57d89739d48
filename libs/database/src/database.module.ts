import { type DynamicModule, Global, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';

const MIGRATION_LOCK = 7_351_420_001;

/** Runs pending migrations once per deployment: an advisory lock keeps concurrent starts (api + worker) in line. */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger('Database');
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      if (applied.length)
        this.logger.log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, options: { poolSize?: number } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          migrations,
          // connectionTimeoutMillis: while PostgreSQL is unreachable a request fails (503) within 15 s instead of
          // waiting for a connection forever; the pool reconnects by itself once the server is back
          extra: { max: options.poolSize ?? 20, application_name: 'enlace', connectionTimeoutMillis: 15_000 },
          logging: false,
        }),
      ],
      providers: [MigrationRunner],
      exports: [MigrationRunner],
    };
  }
}
