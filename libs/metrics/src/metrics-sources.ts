import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainEvents } from '#domain';
import { Metrics } from './metrics.js';

/** The pg pool under TypeORM's PostgreSQL driver (its `master` pool). */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The series fed by the domain and the database: messages stored (each `message.created` this process published,
 * after commit) and the use of this process's PostgreSQL pool. The queue factory, the realtime server and the
 * mailer count their own.
 */
@Injectable()
export class MetricsSources implements OnModuleInit, OnModuleDestroy {
  private off?: () => void;

  constructor(
    private readonly metrics: Metrics,
    private readonly events: DomainEvents,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.off = this.events.on('message.created', () => this.metrics.messagesStored.inc());
    this.metrics.measurePoolWith(() => {
      const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
      return this.dataSource.isInitialized && pool
        ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }
        : undefined;
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }
}
