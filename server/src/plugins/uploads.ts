import fp from 'fastify-plugin';
import { UploadService } from '../uploads/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    uploads: UploadService;
  }
}

/**
 * The upload pipeline as `app.uploads`. At start, jobs that a stopped server left analysing or
 * importing are marked failed (they can be retried), and hourly what uploads left waiting too
 * long is cleared; at close, running work is let finish.
 */
export default fp(
  async (app) => {
    const service = new UploadService(app.pg.pool, app.config.uploads, app.log, () => app.layers.invalidate());
    app.decorate('uploads', service);
    const interrupted = await service.recover();
    if (interrupted) app.log.warn({ interrupted }, 'uploads interrupted by a restart were marked failed');
    // Files and staged features of uploads left unpublished are cleared after UPLOAD_KEEP_HOURS.
    const expire = () =>
      service.expireStale().then(
        (n) => n && app.log.info({ uploads: n }, 'stale uploads cleared'),
        (err) => app.log.error({ err }, 'clearing stale uploads failed'),
      );
    await expire();
    const timer = setInterval(expire, 60 * 60_000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await service.idle();
    });
  },
  { name: 'uploads', dependencies: ['database'] },
);
