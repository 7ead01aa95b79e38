import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { precompressDir } from '../../../scripts/lib/precompress.js';
import { describeEachDatabase } from '../../helpers/testApp.js';

// A built client as Vite writes it: pages naming content-hashed files under assets/, then
// precompressed by the build step (scripts/lib/precompress.ts).
const clientDir = mkdtempSync(path.join(tmpdir(), 'gis-client-'));
mkdirSync(path.join(clientDir, 'assets'));
const script = `export const words = [${Array.from({ length: 800 }, (_, i) => `"vārds ${i} слово ${i % 37}"`).join(', ')}];\n`;
writeFileSync(path.join(clientDir, 'assets/main-Ab12Cd34.js'), script);
writeFileSync(path.join(clientDir, 'assets/worker-Ef56Gh78.mjs'), script.replace('words', 'workerWords'));
writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><script type="module" src="/assets/main-Ab12Cd34.js"></script>');
writeFileSync(path.join(clientDir, 'embed.html'), '<!doctype html><p>embed</p>');
await precompressDir(clientDir);
afterAll(() => rmSync(clientDir, { recursive: true, force: true }));

const builtFile = (name: string) => readFileSync(path.join(clientDir, name));

/** The body as the browser reads it, after undoing the answer's Content-Encoding. */
function unpacked(res: { headers: Record<string, unknown>; rawPayload: Buffer }): string {
  const encoding = res.headers['content-encoding'];
  const body = encoding === 'br' ? zlib.brotliDecompressSync(res.rawPayload) : encoding === 'gzip' ? zlib.gunzipSync(res.rawPayload) : res.rawPayload;
  return body.toString('utf8');
}

describeEachDatabase(
  'the built client: compressed, and cached as long as its file names allow',
  (ctx) => {
    it('sends a hashed script as brotli to a browser that accepts it, kept for a year, and it unpacks to the file', async () => {
      const res = await ctx().app.inject({ url: '/assets/main-Ab12Cd34.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      expect(res.rawPayload.length).toBeLessThan(builtFile('assets/main-Ab12Cd34.js').length / 3);
      expect(zlib.brotliDecompressSync(res.rawPayload).equals(builtFile('assets/main-Ab12Cd34.js'))).toBe(true);
    });

    it('sends gzip to a browser without brotli, and the file itself to a client that accepts no encoding', async () => {
      const file = builtFile('assets/worker-Ef56Gh78.mjs');
      const gz = await ctx().app.inject({ url: '/assets/worker-Ef56Gh78.mjs', headers: { 'accept-encoding': 'gzip' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.headers['content-type']).toMatch(/javascript/);
      expect(zlib.gunzipSync(gz.rawPayload).equals(file)).toBe(true);
      const plain = await ctx().app.inject({ url: '/assets/worker-Ef56Gh78.mjs', headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.rawPayload.equals(file)).toBe(true);
    });

    it('has the browser ask again for index.html on every visit (no-cache), at / and at a client route', async () => {
      for (const url of ['/', '/index.html', '/dashboards/sewer']) {
        const res = await ctx().app.inject({ url, headers: { 'accept-encoding': 'br' } });
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type'], url).toMatch(/^text\/html/);
        expect(res.headers['cache-control'], url).toBe('no-cache');
        expect(unpacked(res), url).toContain('/assets/main-Ab12Cd34.js');
      }
    });

    it('has the browser ask again for the embeddable page on every visit (no-cache)', async () => {
      const res = await ctx().app.inject({ url: '/embed/refugee-help?m=testa', headers: { 'accept-encoding': 'br' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
    });

    it('compresses a JSON answer of more than 1 KB for a client that accepts it, and it unpacks to the same JSON', async () => {
      const plain = await ctx().app.inject({ url: '/api/docs/json' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.rawPayload.length).toBeGreaterThan(1024);
      const br = await ctx().app.inject({ url: '/api/docs/json', headers: { 'accept-encoding': 'br' } });
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/^application\/json/);
      expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
      expect(JSON.parse(zlib.brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(plain.json());
    });

    it('leaves a short answer as it is (below 1 KB compression costs more than it saves)', async () => {
      const res = await ctx().app.inject({ url: '/api/health', headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.json().status).toBe('ok');
    });
  },
  { env: { CLIENT_DIR: clientDir } },
);
