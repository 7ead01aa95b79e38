import type pg from 'pg';
import type { Problem, PublishRequest, UploadJob, UploadLayer, UploadOptions, UploadOwner, UploadStatus } from './types.js';
import { problem } from './problems.js';

interface JobRow {
  id: string;
  status: UploadStatus;
  progress: number;
  file_name: string;
  format: string | null;
  options: UploadOptions;
  metadata: { layers?: UploadLayer[] };
  warnings: Problem[];
  errors: Problem[];
  publish: PublishRequest | null;
  file_path: string | null;
  layer_id: string | null;
  municipality_id: number | null;
  user_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const toJob = (r: JobRow): UploadJob => ({
  id: r.id,
  status: r.status,
  progress: r.progress,
  fileName: r.file_name,
  format: r.format,
  options: r.options,
  layers: r.metadata.layers ?? [],
  warnings: r.warnings,
  errors: r.errors,
  publish: r.publish,
  filePath: r.file_path,
  layerId: r.layer_id,
  municipalityId: r.municipality_id,
  userId: r.user_id === null ? null : Number(r.user_id),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

type Db = pg.Pool | pg.PoolClient;

/** Upload jobs in `upload_job`. */
export const jobRepository = {
  async create(db: Db, fileName: string, filePath: string, options: UploadOptions, owner: UploadOwner): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO upload_job (file_name, file_path, options, municipality_id, user_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [fileName, filePath, options, owner.municipalityId, owner.userId],
    );
    return rows[0].id;
  },

  async get(db: Db, id: string): Promise<UploadJob | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await db.query<JobRow>('SELECT * FROM upload_job WHERE id = $1', [id]);
    return rows[0] && toJob(rows[0]);
  },

  /** The municipality's latest jobs, newest first. */
  async list(db: Db, municipalityId: number, limit = 100): Promise<UploadJob[]> {
    const { rows } = await db.query<JobRow>(
      'SELECT * FROM upload_job WHERE municipality_id = $1 ORDER BY created_at DESC LIMIT $2',
      [municipalityId, limit],
    );
    return rows.map(toJob);
  },

  async update(
    db: Db,
    id: string,
    change: Partial<{
      status: UploadStatus;
      progress: number;
      format: string;
      layers: UploadLayer[];
      warnings: Problem[];
      errors: Problem[];
      publish: PublishRequest | null;
      filePath: string | null;
      layerId: string;
    }>,
  ): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    const set = (column: string, value: unknown, cast = '') => {
      values.push(value);
      sets.push(`${column} = $${values.length}${cast}`);
    };
    if (change.status !== undefined) set('status', change.status);
    if (change.progress !== undefined) set('progress', Math.max(0, Math.min(1, change.progress)));
    if (change.format !== undefined) set('format', change.format);
    if (change.layers !== undefined) set('metadata', JSON.stringify({ layers: change.layers }), '::jsonb');
    if (change.warnings !== undefined) set('warnings', JSON.stringify(change.warnings), '::jsonb');
    if (change.errors !== undefined) set('errors', JSON.stringify(change.errors), '::jsonb');
    if (change.publish !== undefined) set('publish', change.publish === null ? null : JSON.stringify(change.publish), '::jsonb');
    if (change.filePath !== undefined) set('file_path', change.filePath);
    if (change.layerId !== undefined) set('layer_id', change.layerId);
    await db.query(`UPDATE upload_job SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, values);
  },

  /**
   * Jobs a stopped server left half-way are marked failed, with a message; their staged features
   * and uploaded file are kept so that a retry can go on from them.
   */
  async failInterrupted(db: Db): Promise<number> {
    const { rowCount } = await db.query(
      `UPDATE upload_job SET
         errors = errors || jsonb_build_array(CASE status WHEN 'importing' THEN $1::jsonb ELSE $2::jsonb END),
         publish = CASE WHEN status = 'importing' THEN publish END,
         status = 'failed', updated_at = now()
       WHERE status IN ('queued', 'analysing', 'importing')`,
      [JSON.stringify(problem('job.interruptedPublishing')), JSON.stringify(problem('job.interruptedAnalysis'))],
    );
    return rowCount ?? 0;
  },
};
