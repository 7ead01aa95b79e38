import fp from 'fastify-plugin';
import { UploadService } from '../uploads/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    uploads: UploadService;
  }
}

/**
 * The upload pipeline as `app.uploads`. At start, jobs that a stopped server left analysing or
 * importing are marked failed (they can be retried); at close, running work is let finish.
 */
export default fp(
  async (app) => {
    const service = new UploadService(app.pg.pool, app.config.uploads, app.log, () => app.layers.invalidate());
    app.decorate('uploads', service);
    const interrupted = await service.recover();
    if (interrupted) app.log.warn({ interrupted }, 'uploads interrupted by a restart were marked failed');
    app.addHook('onClose', async () => service.idle());
  },
  { name: 'uploads', dependencies: ['database'] },
);
