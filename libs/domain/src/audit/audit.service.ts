import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Who did it, from where: filled by the entry point (HTTP request or socket), passed to services. */
export interface RequestContext {
  actorId?: string | null;
  ip?: string | null;
  requestId?: string | null;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Append-only audit log (a trigger refuses UPDATE, DELETE and TRUNCATE). Never receives secrets. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  async record(ctx: RequestContext, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_log (actor_id, action, target_type, target_id, ip, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        ctx.actorId ?? null,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        ctx.ip ?? null,
        ctx.requestId ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  async list(filter: { action?: string; targetId?: string; limit?: number }) {
    return this.dataSource.query(
      `SELECT id, at, actor_id AS "actorId", action, target_type AS "targetType", target_id AS "targetId", ip,
              request_id AS "requestId", details
         FROM audit_log
        WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR target_id = $2)
        ORDER BY id DESC LIMIT $3`,
      [filter.action ?? null, filter.targetId ?? null, Math.min(filter.limit ?? 100, 1000)],
    );
  }
}
