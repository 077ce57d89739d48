import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Lifecycle } from '#config';
import { QueueFactory } from '#queue';
import { Public } from '../common/auth.guard.js';

export class HealthChecksDto {
  @ApiProperty({ enum: ['ok', 'down', 'skipped'], description: '`skipped` while draining' })
  database: string;

  @ApiProperty({
    enum: ['ok', 'down', 'skipped'],
    description: 'a queue round trip; `skipped` while draining',
  })
  queue: string;
}

export class HealthDto {
  @ApiProperty({
    enum: ['ok', 'unavailable', 'draining'],
    description: '`draining`: this process is stopping (SIGTERM); send new work to another one',
  })
  status: string;

  @ApiProperty({ type: HealthChecksDto })
  checks: HealthChecksDto;

  @ApiProperty({ enum: ['redis', 'postgres'] })
  queueBackend: string;

  @ApiProperty({ example: 3 })
  tookMs: number;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueFactory,
    private readonly lifecycle: Lifecycle,
  ) {}

  /** 200 once the database answers and a queue round trip succeeds; 503 while either is down or while stopping. */
  @Public()
  @ApiOkResponse({ type: HealthDto, description: 'the database answers and a queue round trip succeeds' })
  @ApiServiceUnavailableResponse({
    type: HealthDto,
    description: 'a dependency is down, or this process is draining before it stops',
  })
  @Get()
  async health(@Res() res: Response) {
    const checks: Record<string, string> = {};
    const started = Date.now();
    if (this.lifecycle.draining) {
      // stopping: say so at once, without touching pools that are closing
      res.setHeader('Connection', 'close');
      return res.status(503).json({
        status: 'draining',
        checks: { database: 'skipped', queue: 'skipped' },
        queueBackend: this.queues.backend,
        tookMs: 0,
      });
    }
    try {
      await this.dataSource.query('SELECT 1');
      checks.database = 'ok';
    } catch {
      checks.database = 'down';
    }
    try {
      await this.queues.roundTrip();
      checks.queue = 'ok';
    } catch {
      checks.queue = 'down';
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'unavailable',
      checks,
      queueBackend: this.queues.backend,
      tookMs: Date.now() - started,
    });
  }
}
