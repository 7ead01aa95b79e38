// npm run bench:soak — a working day squeezed into minutes: map users, editors and an uploader at
// once against the real server process, counting every error and watching the server's memory.
//
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gis_soak) must be a real PostGIS; the
// database is created when missing and the demo (with its accounts) is seeded into it. Then for
// --seconds=N (default 120):
//   · --map=N map users (default 20): the catalog, then vector tiles of the default layers around
//     the demo villages, a search and a page of the attribute table, over and over;
//   · --editors=N (default 2): an editor reads a sewer connection's form and saves a changed note
//     with its version (a 409 from the other editor's save is a correct answer, not an error);
//   · one uploader: a 500-point GeoJSON with Latvian text and dates, analysed, then published
//     (the first as a new layer, the later ones as new versions of it).
// Prints requests, errors (5xx, network errors, unexpected 4xx), p50/p95 per kind, and the server's
// RSS at start, every 30 s and at the end, after a last forced idle period, so that growth that a
// garbage collection gives back is told apart from growth that stays.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startServerProcess } from './serverProcess.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const seconds = option('seconds', 120);
const mapUsers = option('map', 20);
const editors = option('editors', 2);
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/gis_soak';
const demo = 'marupe';
const password = 'marupe-demo-2024';

interface Kind {
  durations: number[];
  statuses: Record<string, number>;
  errors: string[];
}
const kinds = new Map<string, Kind>();
function record(kind: string, ms: number, status: string, error?: string) {
  let k = kinds.get(kind);
  if (!k) kinds.set(kind, (k = { durations: [], statuses: {}, errors: [] }));
  k.durations.push(ms);
  k.statuses[status] = (k.statuses[status] ?? 0) + 1;
  if (error && k.errors.length < 5) k.errors.push(error);
}

async function ensureDatabase() {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  await admin.end();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
  await db.end();
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
}

/** One timed request; `ok` says which statuses are correct answers for this kind. */
async function timed(kind: string, url: string, init: RequestInit = {}, ok: (s: number) => boolean = (s) => s < 400): Promise<Response | null> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, init);
    const body = await res.arrayBuffer();
    const good = ok(res.status);
    record(kind, performance.now() - t0, good ? 'ok' : String(res.status), good ? undefined : `${res.status} ${url} ${Buffer.from(body).toString('utf8').slice(0, 200)}`);
    return new Response(res.status === 204 || res.status === 304 ? null : body, { status: res.status, headers: res.headers });
  } catch (err) {
    record(kind, performance.now() - t0, 'network', `${url}: ${(err as Error).message}`);
    return null;
  }
}

async function signIn(base: string, email: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-municipality': demo },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('gis_session='));
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: cookie!, 'x-csrf-token': csrfToken, 'x-municipality': demo };
}

/** Tile x/y of a WGS-84 point at zoom z. */
function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x, y };
}

function uploadFile(n: number): Blob {
  const features = Array.from({ length: 500 }, (_, i) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [24.0 + (i % 50) * 0.002, 56.9 + Math.floor(i / 50) * 0.002] },
    properties: { nr: i + 1, nosaukums: `Pārbaudes punkts Nr. ${i + 1} — Ķekava, Mārupe, Jūrmala`, reģistrēts: `2025-${String((i % 12) + 1).padStart(2, '0')}-15`, vērtība: i * 1.25, kārta: n },
  }));
  return new Blob([JSON.stringify({ type: 'FeatureCollection', features })], { type: 'application/geo+json' });
}

async function main() {
  await ensureDatabase();
  const server = await startServerProcess({ DATABASE_URL: databaseUrl, SEED_DEMO: 'always', AUTH_RATE_LIMIT: '1000' });
  const base = server.url;
  const pid = server.pid;
  const memory: { at: number; mb: number }[] = [{ at: 0, mb: rssMb(pid) }];
  console.log(`server up in ${server.startSeconds.toFixed(1)} s, RSS ${memory[0].mb} MB; soaking ${seconds} s with ${mapUsers} map users, ${editors} editors, 1 uploader`);

  const catalog = (await (await fetch(`${base}/api/layers`, { headers: { 'x-municipality': demo } })).json()) as { layers: { id: string; access: { records: boolean }; tileJson?: { tiles: string[] } }[] };
  const tileTemplates = catalog.layers.filter((l) => l.access.records && l.tileJson?.tiles?.[0]).map((l) => l.tileJson!.tiles[0]);
  const places = [[24.105, 56.905], [24.02, 56.93], [24.06, 56.88], [23.98, 56.9], [24.13, 56.87]];
  const tileUrls: string[] = [];
  for (const [lon, lat] of places) {
    for (const z of [12, 13, 14, 15]) {
      const { x, y } = tileOf(lon, lat, z);
      for (const t of tileTemplates) tileUrls.push(t.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
    }
  }
  const absolute = (u: string) => (u.startsWith('http') ? u : base + u);
  const searches = ['marupe', 'Mārupe', 'Zeltiņi', 'Tīraine', 'skola', '80760010123'];
  const deadline = Date.now() + seconds * 1000;
  const running = () => Date.now() < deadline;

  const sampler = setInterval(() => memory.push({ at: Math.round((Date.now() - (deadline - seconds * 1000)) / 1000), mb: rssMb(pid) }), 30_000);

  async function mapUser(i: number) {
    let round = i;
    while (running()) {
      await timed('catalog', `${base}/api/layers`, { headers: { 'x-municipality': demo } });
      for (let k = 0; k < 12 && running(); k++) await timed('tile', absolute(tileUrls[(round * 7 + k) % tileUrls.length]), {}, (s) => s === 200 || s === 204 || s === 304);
      await timed('search', `${base}/api/search?q=${encodeURIComponent(searches[round % searches.length])}`, { headers: { 'x-municipality': demo } });
      await timed('table', `${base}/api/layers/${demo}-sewer-connections/features?limit=50&offset=${(round * 50) % 1500}`, { headers: { 'x-municipality': demo } });
      round++;
    }
  }

  async function editor(i: number) {
    const headers = await signIn(base, 'editor@demo.example');
    const layer = `${demo}-sewer-connections`;
    let round = 0;
    while (running()) {
      const featureId = 1 + ((i * 37 + round * 11) % 40);
      const form = await timed('edit-read', `${base}/api/layers/${layer}/features/${featureId}/editable`, { headers });
      const feature = form && form.ok ? ((await form.json()) as { feature: { properties: { version: number } } }).feature : null;
      if (feature) {
        await timed(
          'edit-save',
          `${base}/api/layers/${layer}/features/${featureId}`,
          { method: 'PATCH', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ version: feature.properties.version, properties: { note: `Pārbaude ${i}.${round} — ūdens, ķēde` } }) },
          (s) => s === 200 || s === 409,
        );
      }
      round++;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function uploader() {
    const headers = await signIn(base, 'editor@demo.example');
    let layerId: string | undefined;
    let n = 0;
    while (running()) {
      const form = new FormData();
      form.append('file', uploadFile(n), `parbaude-${n}.geojson`);
      const posted = await timed('upload', `${base}/api/uploads`, { method: 'POST', headers, body: form });
      if (!posted || posted.status !== 202) break;
      const { id } = (await posted.json()) as { id: string };
      const job = await waitFor(id, headers, ['ready', 'failed']);
      if (!running()) break;
      if (job?.status !== 'ready') {
        record('upload', 0, 'analysis-failed', JSON.stringify(job).slice(0, 300));
        continue;
      }
      const body = { title: { lv: 'Pārbaudes punkti (soak)' }, ...(layerId ? { replaceLayerId: layerId } : {}) };
      await timed('publish', `${base}/api/uploads/${id}/publish`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }, (s) => s === 202);
      const done = await waitFor(id, headers, ['done', 'failed']);
      if (!running()) break;
      if (done?.status !== 'done') record('publish', 0, 'publish-failed', JSON.stringify(done).slice(0, 300));
      else layerId = (done as { layerId?: string }).layerId ?? layerId;
      n++;
    }
  }

  async function waitFor(id: string, headers: Record<string, string>, statuses: string[]) {
    for (let i = 0; i < 600 && running(); i++) {
      const res = await timed('upload-poll', `${base}/api/uploads/${id}`, { headers });
      const job = res && res.ok ? ((await res.json()) as { status: string }) : null;
      if (job && statuses.includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 200));
    }
    return null;
  }

  await Promise.all([...Array.from({ length: mapUsers }, (_, i) => mapUser(i)), ...Array.from({ length: editors }, (_, i) => editor(i)), uploader()]);
  clearInterval(sampler);
  const busyEnd = rssMb(pid);
  await new Promise((r) => setTimeout(r, 15_000));
  const idleEnd = rssMb(pid);
  await server.close();

  let total = 0;
  let bad = 0;
  console.log('\nkind          requests   errors    p50 ms    p95 ms');
  for (const [name, k] of [...kinds].sort()) {
    const sorted = [...k.durations].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const errors = Object.entries(k.statuses).filter(([s]) => s !== 'ok').reduce((a, [, c]) => a + c, 0);
    total += sorted.length;
    bad += errors;
    console.log(`${name.padEnd(12)} ${String(sorted.length).padStart(9)} ${String(errors).padStart(8)} ${at(0.5).toFixed(0).padStart(9)} ${at(0.95).toFixed(0).padStart(9)}`);
    for (const e of k.errors) console.log(`    ${e}`);
  }
  const all = [...kinds.values()].flatMap((k) => k.durations).sort((a, b) => a - b);
  const q = (p: number) => all[Math.min(all.length - 1, Math.floor(p * all.length))] ?? 0;
  console.log(`\nall          ${String(total).padStart(9)} ${String(bad).padStart(8)} ${q(0.5).toFixed(0).padStart(9)} ${q(0.95).toFixed(0).padStart(9)}`);
  console.log(`server RSS MB: ${memory.map((m) => `${m.at}s ${m.mb}`).join(', ')}, end of load ${busyEnd}, after 15 s idle ${idleEnd}`);
  if (bad) process.exitCode = 1;
}

main().catch((err) => {
  console.error('bench:soak failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
