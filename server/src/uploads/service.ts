import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { UploadConfig } from '../config.js';
import { ImportError } from '../importers/importError.js';
import { badRequest, notFound, UserError } from '../plugins/errors.js';
import { inTransaction } from '../db/transaction.js';
import { analyseUpload } from './analyse.js';
import { datasets } from './datasets.js';
import { vectorBackend, type VectorBackend } from './gdal/index.js';
import { jobRepository } from './jobRepository.js';
import { dropStaging, hasStagingTableSql, stagingTables } from './load/directStage.js';
import { checkPublishRequest, chooseLayer, publishLayer, type PublishHooks } from './publish.js';
import { insertAuditEntry } from '../audit/repository.js';
import { problem, problemError, UploadRefusal, userProblem } from './problems.js';
import { timed } from './profile.js';
import type { Problem, PublishRequest, UploadJob, UploadOptions, UploadOwner } from './types.js';

/**
 * The problem a failed publish reports. PROJ refusing to transform (coordinates far outside the
 * area of LKS-92, or not in the CRS chosen) is the user's to fix; anything else is a server error.
 */
function publishFailure(job: UploadJob, err: Error): Problem {
  const proj = err.message.match(/transform: (.+)$/m) ?? err.message.match(/(Point outside of projection domain.*|Invalid coordinate.*)$/m);
  if (!proj) return problem('job.publishFailed', { detail: err.message });
  // The request was checked before publishing began, so it names a layer of the job.
  const layer = chooseLayer(job, job.publish?.layer);
  return problem('publish.transformFailed', { layer: layer.name, crs: job.publish?.crs ?? layer.crs ?? '?', detail: proj[1] });
}

/** Who asks for a change, for the audit log: a user (null: the operator's CLI) and their address. */
export interface Actor {
  userId: number | null;
  ip: string | null;
}

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The upload pipeline: analysis and publishing run in the background, one job at a time, and
 * record their progress in `upload_job`. The HTTP routes and the CLI both drive it.
 */
export class UploadService {
  /** Test seams; never set in production. */
  readonly hooks: PublishHooks = {};
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    readonly config: UploadConfig,
    private readonly log: Logger,
    private readonly onPublished: () => void = () => {},
    private readonly backend: () => Promise<VectorBackend> = () => vectorBackend(),
  ) {}

  /** Marks jobs a stopped server left half-way as failed (call once at start). */
  async recover(): Promise<number> {
    await mkdir(this.config.dir, { recursive: true });
    return jobRepository.failInterrupted(this.pool);
  }

  /** A job's directory for its spooled file. */
  async newFilePath(fileName: string): Promise<string> {
    const dir = path.join(this.config.dir, `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`);
    await mkdir(dir, { recursive: true });
    const safe = path.basename(fileName).replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(-120) || 'upload';
    return path.join(dir, safe);
  }

  /** Registers a spooled upload and starts analysing it; returns the job id. */
  async submit(fileName: string, filePath: string, options: UploadOptions, owner: UploadOwner): Promise<string> {
    const id = await jobRepository.create(this.pool, fileName, filePath, options, owner);
    this.enqueue(() => this.analyse(id));
    return id;
  }

  get(id: string): Promise<UploadJob | undefined> {
    return jobRepository.get(this.pool, id);
  }

  /** The municipality's latest uploads, newest first. */
  list(municipalityId: number): Promise<UploadJob[]> {
    return jobRepository.list(this.pool, municipalityId);
  }

  /** Resolves when every queued analysis and publish has finished (tests, CLI). */
  async idle(): Promise<void> {
    let current;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  /** Starts publishing an analysed upload; request mistakes are thrown at once as 400. */
  async publish(id: string, req: PublishRequest, actor: Actor): Promise<void> {
    const job = await this.mustGet(id);
    // A published upload with layers left (a GeoPackage of several) publishes them one by one.
    const layersLeft = job.status === 'done' && job.layers.some((l) => !l.publishedAs) && (await this.hasStaged(id));
    if (job.status !== 'ready' && !layersLeft) throw problemError(409, 'publish.notReady', { status: job.status });
    checkPublishRequest(job, req);
    if (job.municipalityId === null) throw badRequest(`Upload ${id} was made before uploads belonged to a municipality; upload the file again.`);
    if (req.replaceLayerId && !(await datasets.list(this.pool, job.municipalityId, req.replaceLayerId)).length) {
      throw notFound(`There is no uploaded dataset "${req.replaceLayerId}" to replace.`);
    }
    await jobRepository.update(this.pool, id, { status: 'importing', progress: 0, publish: req });
    this.enqueue(() => this.runPublish(id, actor));
  }

  /** Puts a failed upload back: to `ready` when its analysis survived, else analyses it again. */
  async retry(id: string): Promise<UploadJob> {
    const job = await this.mustGet(id);
    if (job.status !== 'failed') throw new UserError(409, `Upload ${id} is ${job.status}; only a failed upload can be retried.`);
    if (job.layers.length && (await this.hasStaged(id))) {
      await jobRepository.update(this.pool, id, { status: 'ready', errors: job.errors.filter((e) => e.layer), publish: null });
    } else if (job.filePath) {
      await jobRepository.update(this.pool, id, { status: 'queued', progress: 0, errors: [], warnings: [] });
      this.enqueue(() => this.analyse(id));
    } else {
      throw badRequest(`The file of upload ${id} is no longer on the server; upload it again.`);
    }
    return (await this.get(id))!;
  }

  /** Whether the job still has staged features (rows or staging tables) to publish from. */
  private async hasStaged(id: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM upload_feature WHERE job_id = $1 LIMIT 1', [id]);
    return rows.length > 0 || (await stagingTables(this.pool, id)).length > 0;
  }

  /**
   * Discards what uploads left waiting longer than `keepHours`: the file and the staged features
   * of uploads never published (marked failed, saying so) and of the layers a published upload
   * still had. Published layers are not touched. Runs at start and every hour.
   * @returns how many uploads were cleared
   */
  async expireStale(): Promise<number> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM upload_job WHERE status IN ('ready', 'done', 'failed') AND updated_at < now() - make_interval(hours => $1)
          AND (file_path IS NOT NULL OR EXISTS (SELECT 1 FROM upload_feature f WHERE f.job_id = upload_job.id) OR ${hasStagingTableSql('upload_job.id')})`,
      [this.config.keepHours],
    );
    for (const { id } of rows) {
      const job = await this.get(id);
      if (!job) continue;
      await this.pool.query('DELETE FROM upload_feature WHERE job_id = $1', [id]);
      await dropStaging(this.pool, id);
      await this.removeFile(job.filePath);
      await jobRepository.update(this.pool, id, {
        filePath: null,
        ...(job.status === 'ready' ? { status: 'failed' as const, errors: [problem('job.expired', { hours: this.config.keepHours }), ...job.errors] } : {}),
      });
    }
    return rows.length;
  }

  /** Deletes an uploaded dataset of the municipality with all its versions, and logs who did it. */
  async removeDataset(municipalityId: number, layerId: string, actor: Actor): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const removed = await datasets.remove(client, municipalityId, layerId);
      await insertAuditEntry(client, { ...actor, municipalityId, action: 'dataset.delete', layerId, details: { before: removed } });
    });
    this.onPublished();
  }

  /** Points an uploaded dataset of the municipality back at an earlier version, and logs who did it. */
  async restoreDataset(municipalityId: number, layerId: string, version: number, actor: Actor): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const previous = await datasets.restore(client, municipalityId, layerId, version);
      await insertAuditEntry(client, {
        ...actor,
        municipalityId,
        action: 'dataset.restore',
        layerId,
        details: { before: { version: previous }, after: { version } },
      });
    });
    this.onPublished();
  }

  private async mustGet(id: string): Promise<UploadJob> {
    const job = await this.get(id);
    if (!job) throw notFound(`There is no upload ${id}.`);
    return job;
  }

  private enqueue(task: () => Promise<void>) {
    this.queue = this.queue.then(task).catch((err) => this.log.error({ err }, 'upload task failed'));
  }

  private async analyse(id: string): Promise<void> {
    const job = await this.get(id);
    if (!job?.filePath) return;
    await jobRepository.update(this.pool, id, { status: 'analysing', progress: 0.05 });
    try {
      await dropStaging(this.pool, id);
      const backend = await this.backend();
      const result = await timed('analyse (all)', () => analyseUpload(
        {
          pool: this.pool,
          backend,
          zipLimits: { maxTotalBytes: this.config.maxUnzippedBytes, maxEntries: this.config.maxZipEntries },
          progress: (p) => jobRepository.update(this.pool, id, { progress: p }),
        },
        id,
        job.filePath!,
        job.fileName,
        job.options,
      ));
      await jobRepository.update(this.pool, id, {
        status: 'ready',
        progress: 1,
        format: result.format,
        layers: result.layers,
        warnings: result.warnings,
        errors: result.errors,
      });
      this.log.info({ upload: id, format: result.format, backend: backend.name, layers: result.layers.length }, 'upload analysed');
    } catch (err) {
      const errors = err instanceof UploadRefusal ? err.problems : err instanceof ImportError ? [{ message: err.message }] : [problem('job.serverError')];
      if (!(err instanceof ImportError)) this.log.error({ err, upload: id }, 'upload analysis failed');
      await this.pool.query('DELETE FROM upload_feature WHERE job_id = $1', [id]);
      await dropStaging(this.pool, id);
      await jobRepository.update(this.pool, id, { status: 'failed', progress: 1, errors, filePath: null });
      await this.removeFile(job.filePath);
    }
  }

  private async runPublish(id: string, actor: Actor): Promise<void> {
    const job = await this.get(id);
    if (!job || job.status !== 'importing' || !job.publish) return;
    /** Whether layers of the upload are left to publish after this one. */
    let left = false;
    try {
      const result = await timed('publish (all, with commit)', () => inTransaction(this.pool, async (client) => {
        const published = await publishLayer(client, job, job.publish!, this.hooks, { keepVersions: this.config.keepVersions });
        const name = chooseLayer(job, job.publish!.layer).name;
        const layers = job.layers.map((l) => (l.name === name ? { ...l, publishedAs: published.layerId } : l));
        left = layers.some((l) => !l.publishedAs);
        await insertAuditEntry(client, {
          ...actor,
          municipalityId: job.municipalityId,
          action: job.publish!.replaceLayerId ? 'dataset.replace' : 'dataset.publish',
          layerId: published.layerId,
          details: {
            after: { version: published.version, fileName: job.fileName, featureCount: published.featureCount, upload: id },
            ...(published.pruned.length ? { pruned: { versions: published.pruned } } : {}),
          },
        });
        // The file stays while layers are left to publish (a retry may need to analyse it again).
        await jobRepository.update(client, id, { status: 'done', progress: 1, layerId: published.layerId, layers, filePath: left ? job.filePath : null });
        return published;
        // Publishing copies the whole dataset: the request statement timeout is not for it.
      }, 'BEGIN; SET LOCAL statement_timeout = 0'));
      this.onPublished();
      if (!left) await this.removeFile(job.filePath);
      this.log.info({ upload: id, ...result }, 'upload published');
    } catch (err) {
      const failure = err instanceof UserError ? userProblem(err) : publishFailure(job, err as Error);
      if (!(err instanceof UserError) && failure.code === 'job.publishFailed') this.log.error({ err, upload: id }, 'upload publish failed');
      // Why publishing failed comes first; the analysis's problems follow.
      await jobRepository.update(this.pool, id, { status: 'failed', errors: [failure, ...job.errors] });
    }
  }

  private async removeFile(filePath: string | null) {
    if (filePath && path.resolve(filePath).startsWith(path.resolve(this.config.dir) + path.sep)) {
      await rm(path.dirname(filePath), { recursive: true, force: true });
    }
  }
}
