import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export type WorkPlanStatus = 'planned' | 'in-progress' | 'completed' | 'on-hold' | 'cancelled';
export const WORK_PLAN_STATUSES: WorkPlanStatus[] = [
  'planned',
  'in-progress',
  'completed',
  'on-hold',
  'cancelled',
];

export interface WorkPlanActivityRow {
  id: string;
  network: string;
  networkId: string;
  title: string;
  objective: string | null;
  responsibleCountries: string[];
  targetDate: string;
  status: WorkPlanStatus;
  progressNote: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  followUps: Array<{ id: string; title: string; dueAt: string; cancelled: boolean }>;
}

const COLUMNS = `
  w.id, n.slug AS network, w.network_id AS "networkId", w.title, w.objective,
  (SELECT COALESCE(array_agg(c::text ORDER BY c), '{}') FROM unnest(w.responsible_countries) AS c) AS "responsibleCountries",
  to_char(w.target_date, 'YYYY-MM-DD') AS "targetDate", w.status, w.progress_note AS "progressNote",
  w.created_by AS "createdBy", w.created_at AS "createdAt", w.updated_at AS "updatedAt",
  COALESCE((SELECT json_agg(json_build_object('id', f.id, 'title', f.title, 'dueAt', f.due_at,
                                              'cancelled', f.cancelled_at IS NOT NULL) ORDER BY f.due_at)
              FROM follow_ups f WHERE f.work_plan_activity_id = w.id), '[]') AS "followUps"`;

export interface WorkPlanFields {
  title: string;
  objective: string | null;
  responsibleCountries: string[];
  targetDate: string;
  status: WorkPlanStatus;
  progressNote: string | null;
}

/** Work Plan activities of a network and the follow-up items linked to them. */
@Injectable()
export class WorkPlanRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(networkId: string): Promise<WorkPlanActivityRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM work_plan_activities w JOIN networks n ON n.id = w.network_id
        WHERE w.network_id = $1 ORDER BY w.target_date, w.created_at`,
      [networkId],
    );
  }

  async byId(id: string, manager?: EntityManager, lock = false): Promise<WorkPlanActivityRow | null> {
    const m = manager ?? this.dataSource.manager;
    if (lock) await m.query(`SELECT id FROM work_plan_activities WHERE id = $1 FOR NO KEY UPDATE`, [id]);
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM work_plan_activities w JOIN networks n ON n.id = w.network_id WHERE w.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async existsInNetwork(id: string, networkId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM work_plan_activities WHERE id = $1 AND network_id = $2`,
      [id, networkId],
    );
    return rows.length > 0;
  }

  async insert(
    networkId: string,
    f: WorkPlanFields,
    createdBy: string,
    manager: EntityManager,
  ): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO work_plan_activities (network_id, title, objective, responsible_countries, target_date, status, progress_note, created_by)
       VALUES ($1, $2, $3, $4::char(2)[], $5::date, $6, $7, $8) RETURNING id`,
      [
        networkId,
        f.title,
        f.objective,
        f.responsibleCountries,
        f.targetDate,
        f.status,
        f.progressNote,
        createdBy,
      ],
    );
    return row.id;
  }

  async update(id: string, f: WorkPlanFields, manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE work_plan_activities
          SET title = $2, objective = $3, responsible_countries = $4::char(2)[], target_date = $5::date, status = $6,
              progress_note = $7, updated_at = now()
        WHERE id = $1`,
      [id, f.title, f.objective, f.responsibleCountries, f.targetDate, f.status, f.progressNote],
    );
  }

  /** Activities of a network for a handover summary: the total, counts by status and the first `limit`. */
  async summary(networkId: string, limit: number) {
    const rows = await this.list(networkId);
    const byStatus: Record<string, number> = Object.fromEntries(WORK_PLAN_STATUSES.map((s) => [s, 0]));
    for (const r of rows) byStatus[r.status]++;
    return {
      total: rows.length,
      byStatus,
      activities: rows
        .slice(0, limit)
        .map((r) => ({ title: r.title, status: r.status, targetDate: r.targetDate })),
    };
  }
}
