import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { QueueFactory } from '#queue';
import { Public } from '../common/auth.guard.js';

export class HealthChecksDto {
  @ApiProperty({ enum: ['ok', 'down'] })
  database: string;

  @ApiProperty({ enum: ['ok', 'down'], description: 'a queue round trip' })
  queue: string;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
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
  ) {}

  /** 200 once the database answers and a queue round trip succeeds; 503 while either is down. */
  @Public()
  @ApiOkResponse({ type: HealthDto, description: 'the database answers and a queue round trip succeeds' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'a dependency is down' })
  @Get()
  async health(@Res() res: Response) {
    const checks: Record<string, string> = {};
    const started = Date.now();
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
