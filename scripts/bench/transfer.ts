// npm run bench:transfer — bytes on the wire for the map page (/) and the embed page, as Chromium
// receives them: a first visit (empty cache) and a return visit (same browser, cache kept).
//
// Starts the real server (embedded database in BENCH_EMBEDDED_DIR, default /tmp/gis-bench-transfer,
// seeded with the demo on first start) on the built client (`npm run build` first, or it is built
// when stale). Per visit it prints, by kind (the client's own files, API answers), how many
// requests went to the server (a revalidation counts), how many were answered from the browser's
// cache, and the bytes received (headers + body as encoded, i.e. after compression), from the Chrome
// DevTools Protocol's `encodedDataLength`. Tiles are fetched by MapLibre's worker, which the page's
// protocol session does not see; they are not counted.
import { chromium, type CDPSession } from 'playwright-core';
import { chromiumPath } from '../../tests/helpers/requirements.js';
import { ensureClientBuild } from '../lib/clientBuild.js';
import { startServerProcess } from './serverProcess.js';

type Kind = 'client files' | 'api';

interface Tally {
  requests: number;
  fromCache: number;
  bytes: number;
}

function kindOf(url: string): Kind {
  const { pathname } = new URL(url);
  if (/^\/(api|ogc|wms)\//.test(pathname)) return 'api';
  return 'client files';
}

/** Follows the page's network through CDP until the page is idle; returns the tallies by kind. */
async function watch(cdp: CDPSession, visit: () => Promise<void>): Promise<Map<Kind, Tally>> {
  const byRequest = new Map<string, { kind: Kind; cached: boolean }>();
  const tallies = new Map<Kind, Tally>();
  const tally = (kind: Kind) => {
    let t = tallies.get(kind);
    if (!t) tallies.set(kind, (t = { requests: 0, fromCache: 0, bytes: 0 }));
    return t;
  };
  const onRequest = (e: { requestId: string; request: { url: string } }) => {
    if (e.request.url.startsWith('http')) byRequest.set(e.requestId, { kind: kindOf(e.request.url), cached: false });
  };
  const onCached = (e: { requestId: string }) => {
    const r = byRequest.get(e.requestId);
    if (r) r.cached = true;
  };
  const onResponse = (e: { requestId: string; response: { fromDiskCache?: boolean } }) => {
    const r = byRequest.get(e.requestId);
    if (r && e.response.fromDiskCache) r.cached = true;
  };
  const onFinished = (e: { requestId: string; encodedDataLength: number }) => {
    const r = byRequest.get(e.requestId);
    if (!r) return;
    const t = tally(r.kind);
    if (r.cached) t.fromCache += 1;
    else {
      t.requests += 1;
      t.bytes += e.encodedDataLength;
    }
  };
  cdp.on('Network.requestWillBeSent', onRequest);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  try {
    await visit();
  } finally {
    cdp.off('Network.requestWillBeSent', onRequest);
    cdp.off('Network.requestServedFromCache', onCached);
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onFinished);
  }
  return tallies;
}

function print(title: string, tallies: Map<Kind, Tally>) {
  console.log(`\n${title}`);
  console.log('  kind           to server   from cache   bytes received');
  for (const kind of ['client files', 'api'] as Kind[]) {
    const t = tallies.get(kind) ?? { requests: 0, fromCache: 0, bytes: 0 };
    console.log(
      `  ${kind.padEnd(14)} ${String(t.requests).padStart(9)} ${String(t.fromCache).padStart(12)}   ${(t.bytes / 1024).toFixed(1).padStart(8)} KB`,
    );
  }
}

ensureClientBuild();
const server = await startServerProcess({
  EMBEDDED_DATA_DIR: process.env.BENCH_EMBEDDED_DIR ?? '/tmp/gis-bench-transfer',
  DATABASE_URL: '',
});
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
try {
  for (const [name, path] of [
    ['map page /', '/'],
    ['embed page /embed/refugee-help', '/embed/refugee-help?m=marupe&lang=uk'],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const visit = () => page.goto(server.url + path, { waitUntil: 'networkidle' }).then(() => undefined);
    print(`${name}: first visit (empty cache)`, await watch(cdp, visit));
    await page.goto('about:blank');
    print(`${name}: return visit (cache kept)`, await watch(cdp, visit));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
