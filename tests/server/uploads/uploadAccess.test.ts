import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { rootDir } from '../../../server/src/config.js';
import type { Role } from '../../../server/src/auth/roles.js';
import { multipart } from '../../helpers/multipart.js';
import { describeEachDatabase } from '../../helpers/testApp.js';
import { addUser, municipalityId, otherMunicipality, signIn, type SignedIn } from '../../helpers/users.js';

const geojson = readFileSync(path.join(rootDir, 'tests/fixtures/uploads/punkti_lks92.geojson'));
const inTesta = { 'x-municipality': 'testa' };

describeEachDatabase(
  'who may upload and change datasets',
  (ctx) => {
    let testa: number;
    let other: number;
    const as: Partial<Record<Role | 'otherEditor' | 'platformAdmin', SignedIn>> = {};

    beforeAll(async () => {
      const { app } = ctx();
      testa = await municipalityId(app, 'testa');
      other = await otherMunicipality(app);
      for (const role of ['viewer', 'official', 'editor', 'admin'] as const) as[role] = await signIn(app, await addUser(app, { role, municipality: testa }));
      as.otherEditor = await signIn(app, await addUser(app, { role: 'editor', municipality: other }));
    });

    const headersOf = (who: keyof typeof as | 'anonymous') => (who === 'anonymous' ? inTesta : { ...as[who]!.headers, ...inTesta });

    async function uploadAs(app: FastifyInstance, who: keyof typeof as | 'anonymous') {
      const body = multipart('punkti.geojson', geojson);
      return app.inject({ method: 'POST', url: '/api/uploads', payload: body.payload, headers: { ...body.headers, ...headersOf(who) } });
    }

    async function publishedLayer(app: FastifyInstance): Promise<{ jobId: string; layerId: string }> {
      const res = await uploadAs(app, 'editor');
      expect(res.statusCode, res.body).toBe(202);
      const jobId = res.json().id as string;
      await app.uploads.idle();
      const publish = await app.inject({
        method: 'POST',
        url: `/api/uploads/${jobId}/publish`,
        headers: headersOf('editor'),
        payload: { title: { lv: 'Piekļuves pārbaude' } },
      });
      expect(publish.statusCode, publish.body).toBe(202);
      await app.uploads.idle();
      const job = (await app.inject({ url: `/api/uploads/${jobId}`, headers: headersOf('editor') })).json();
      expect(job.status, JSON.stringify(job.errors)).toBe('done');
      return { jobId, layerId: job.layerId };
    }

    it('lets editors and admins of the municipality upload; anonymous 401, viewers and officials 403', async () => {
      const { app } = ctx();
      const expected = { anonymous: 401, viewer: 403, official: 403, editor: 202, admin: 202 } as const;
      for (const [who, status] of Object.entries(expected)) {
        const res = await uploadAs(app, who as keyof typeof expected);
        expect(res.statusCode, `${who}: ${res.body}`).toBe(status);
      }
      await app.uploads.idle();
    });

    it("refuses an editor of another municipality, and hides that municipality's jobs from them", async () => {
      const { app } = ctx();
      expect((await uploadAs(app, 'otherEditor')).statusCode).toBe(403);
      const { jobId } = await publishedLayer(app);
      // The other municipality's editor asks about a job of testa in their own municipality: not found.
      const own = { ...as.otherEditor!.headers };
      expect((await app.inject({ url: `/api/uploads/${jobId}`, headers: own })).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: `/api/uploads/${jobId}/retry`, headers: own })).statusCode).toBe(404);
      const listed = (await app.inject({ url: '/api/uploads', headers: { ...own, 'x-municipality': (await app.municipalities.byIdOrNull(other))!.code } })).json();
      expect(listed.uploads.map((u: { id: string }) => u.id)).not.toContain(jobId);
    });

    it('publishes into the municipality the upload was made in', async () => {
      const { app } = ctx();
      const { layerId } = await publishedLayer(app);
      const { rows } = await app.pg.pool.query('SELECT municipality_id FROM layer WHERE id = $1', [layerId]);
      expect(rows[0].municipality_id).toBe(testa);
      const { rows: jobs } = await app.pg.pool.query('SELECT municipality_id, user_id FROM upload_job WHERE layer_id = $1', [layerId]);
      expect(jobs[0]).toMatchObject({ municipality_id: testa });
      expect(Number(jobs[0].user_id)).toBe(as.editor!.id);
    });

    it("lets only the municipality's editors delete and restore its datasets, and logs who did", async () => {
      const { app } = ctx();
      const { layerId } = await publishedLayer(app);
      for (const who of ['anonymous', 'viewer', 'official'] as const) {
        const res = await app.inject({ method: 'DELETE', url: `/api/datasets/${layerId}`, headers: headersOf(who) });
        expect(res.statusCode, who).toBe(who === 'anonymous' ? 401 : 403);
      }
      const otherCode = (await app.municipalities.byIdOrNull(other))!.code;
      const foreign = await app.inject({ method: 'DELETE', url: `/api/datasets/${layerId}`, headers: { ...as.otherEditor!.headers, 'x-municipality': otherCode } });
      expect(foreign.statusCode).toBe(404);
      expect((await app.inject({ url: `/api/datasets`, headers: { ...as.otherEditor!.headers, 'x-municipality': otherCode } })).json().datasets).toEqual([]);

      const restored = await app.inject({ method: 'POST', url: `/api/datasets/${layerId}/restore`, headers: headersOf('admin'), payload: { version: 1 } });
      expect(restored.statusCode, restored.body).toBe(200);
      const deleted = await app.inject({ method: 'DELETE', url: `/api/datasets/${layerId}`, headers: headersOf('editor') });
      expect(deleted.statusCode, deleted.body).toBe(204);

      const { rows } = await app.pg.pool.query(
        `SELECT action, user_id, municipality_id, details FROM audit_log WHERE layer_id = $1 ORDER BY id`,
        [layerId],
      );
      expect(rows.map((r) => r.action)).toEqual(['dataset.publish', 'dataset.restore', 'dataset.delete']);
      expect(rows.map((r) => Number(r.user_id))).toEqual([as.editor!.id, as.admin!.id, as.editor!.id]);
      expect(rows.every((r) => r.municipality_id === testa)).toBe(true);
      expect(rows[0].details.after).toMatchObject({ version: 1, fileName: 'punkti.geojson', featureCount: 4 });
    });

    it('refuses a state-changing request without the CSRF token', async () => {
      const { app } = ctx();
      const body = multipart('punkti.geojson', geojson);
      const res = await app.inject({ method: 'POST', url: '/api/uploads', payload: body.payload, headers: { ...body.headers, cookie: as.editor!.cookie, ...inTesta } });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toMatch(/X-CSRF-Token/);
    });
  },
  { env: { AUTH_RATE_LIMIT: '1000' } },
);
