import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Type } from 'typebox';
import { notFound } from '../../plugins/errors.js';

const EmbedQuery = Type.Object({
  m: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$', description: 'Municipality code, e.g. "marupe".' })),
  lang: Type.Optional(Type.Enum(['uk', 'lv', 'en'], { description: 'Page language; Ukrainian by default.' })),
});

/**
 * Public pages meant for an <iframe> on a municipality's website (issue 6). The page itself is the
 * built client entry `embed.html`; it reads `m` and `lang` and calls GET /api/public/{m}/refugee-help.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/refugee-help',
    {
      schema: {
        summary: 'Embeddable refugee help page (HTML)',
        description: 'Aid points, bus stops and free places per parish on the basemap; `?m=<municipality>&lang=uk|lv|en`.',
        tags: ['public'],
        querystring: EmbedQuery,
      },
    },
    async (_request, reply) => {
      const file = path.join(app.config.clientDir, 'embed.html');
      const html = await readFile(file, 'utf8').catch(() => null);
      if (html === null) throw notFound('The embeddable page is not built; run "npm run build" first.');
      // Other sites may frame this page (that is its purpose; plugins/securityHeaders.ts allows it for
      // /embed/*); nothing on it is private.
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    },
  );
};

export default routes;
