import type { FastifyInstance } from 'fastify';
import { forbidden } from '../plugins/errors.js';

/**
 * Who may upload and change datasets. Until accounts exist (editors), uploads are open only in
 * the demo mode: the embedded database, or `UPLOADS_OPEN=true`. The one place to replace with a
 * role check.
 */
export function assertMayUpload(app: FastifyInstance): void {
  if (app.database.mode === 'embedded' || app.config.uploads.open) return;
  throw forbidden('Uploading datasets is open only in the demo mode until accounts exist; an administrator can set UPLOADS_OPEN=true to allow it.');
}
