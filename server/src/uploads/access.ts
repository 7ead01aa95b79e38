import type { FastifyRequest } from 'fastify';
import { hasRole } from '../auth/roles.js';
import { requireRole, requireUser } from '../plugins/auth.js';
import { notFound, UserError } from '../plugins/errors.js';
import type { UploadJob } from './types.js';

/** The role that uploads, publishes, replaces, deletes and restores datasets: GIS specialists. */
export const UPLOAD_ROLE = 'editor';

/**
 * The municipality a dataset request works in: the request's, and the user must be an editor (or
 * admin) there. Anonymous requests get 401, other roles 403.
 */
export function uploadMunicipality(request: FastifyRequest): number {
  const municipality = request.municipality;
  if (!municipality) throw new UserError(409, 'There is no municipality yet to upload datasets into; an administrator creates one first.');
  requireRole(request, UPLOAD_ROLE, municipality.id);
  return municipality.id;
}

/**
 * An upload job as its municipality's editors see it. A job of a municipality where the user is no
 * editor answers 404, exactly like a job that does not exist, so job ids of other municipalities
 * cannot be probed.
 */
export function assertJobVisible(request: FastifyRequest, job: UploadJob | undefined, id: string): UploadJob {
  const user = requireUser(request);
  if (!job || !hasRole(user, UPLOAD_ROLE, job.municipalityId)) throw notFound(`There is no upload ${id}.`);
  return job;
}
