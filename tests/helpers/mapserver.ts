import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Extent of the generated orthophoto in EPSG:3059 (around Mārupe): west, north, east, south as gdal's -a_ullr wants. */
export const orthoExtent3059 = { west: 490000, north: 325000, east: 520000, south: 295000 };

/** A request the harness received, for tests that count upstream calls or check what was sent. */
export interface SeenRequest {
  path: string;
  query: URLSearchParams;
}

export interface MapServerHarness {
  /** http://127.0.0.1:<port> */
  origin: string;
  /**
   * WMS endpoints: `ortho` serves layers "ortho" and "topo_a" in EPSG:3857 (plus "lks_only" and
   * the root layer without it); `lksOnly` offers no layer in EPSG:3857; `only111` refuses 1.3.0
   * like old servers do and answers 1.1.1.
   */
  urls: { ortho: string; lksOnly: string; only111: string; html: string; xml: string; echo: string; garbage: string; slow: string };
  requests: SeenRequest[];
  /** GetMap requests received so far (optionally only those for `layer`). */
  getMapCount(layer?: string): number;
  /** Stops answering, as an upstream that went down. */
  stop(): Promise<void>;
  /** Stops and removes the generated files. */
  close(): Promise<void>;
}

/**
 * Starts a real WMS server for tests: MapServer (`mapserv`, run once per request as a CGI) over
 * a generated 300 × 300 px orthophoto GeoTIFF in EPSG:3059, behind a tiny Node HTTP server on
 * 127.0.0.1. Other paths give the bad answers real servers give: an HTML page, XML that is not
 * WMS, a WMS error repeating the request (key included), non-image bytes labelled image/png, and an answer slower than any timeout.
 */
export async function startMapServer(): Promise<MapServerHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gis-mapserver-'));
  await writeOrthophoto(dir);
  await writeMapfiles(dir);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', MAPSERVER_CONFIG_FILE: path.join(dir, 'mapserver.conf'), REQUEST_METHOD: 'GET' };
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: url.searchParams });
    handle(url, req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(url: URL, req: IncomingMessage, res: ServerResponse) {
    switch (url.pathname) {
      case '/ows':
        return mapserv(url.search.slice(1), res);
      case '/old/ows': {
        const version = [...url.searchParams].find(([k]) => k.toLowerCase() === 'version')?.[1];
        if (version === '1.3.0') {
          res.writeHead(200, { 'content-type': 'application/vnd.ogc.se_xml' });
          return res.end('<?xml version="1.0"?><ServiceExceptionReport version="1.1.1"><ServiceException code="InvalidVersion">Only WMS 1.1.1 is supported</ServiceException></ServiceExceptionReport>');
        }
        return mapserv(url.search.slice(1), res);
      }
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end('<!DOCTYPE html><html><head><title>Portāls</title></head><body><h1>Laipni lūdzam</h1></body></html>');
      case '/xml':
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Jaunumi</title></feed>');
      case '/echo':
        // Some servers repeat what they were sent in their errors, keys included.
        res.writeHead(200, { 'content-type': 'text/xml' });
        return res.end(
          `<?xml version="1.0"?><ServiceExceptionReport version="1.3.0"><ServiceException code="InvalidKey">Invalid key "${url.searchParams.get('apikey')}" in ${url.search.replace(/&/g, '&amp;')}</ServiceException></ServiceExceptionReport>`,
        );
      case '/garbage':
        res.writeHead(200, { 'content-type': 'image/png' });
        return res.end('this is not a PNG');
      case '/slow':
        // Never answers in time; the socket is destroyed when the harness stops.
        await new Promise((resolve) => setTimeout(resolve, 20_000).unref());
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('too late');
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end(`no ${req.method} ${url.pathname} here`);
    }
  }

  async function mapserv(query: string, res: ServerResponse) {
    const { stdout } = await run('mapserv', [], { env: { ...env, QUERY_STRING: query }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    const split = findHeaderEnd(stdout);
    const headers = stdout.subarray(0, split.at).toString('latin1').split(/\r?\n/).filter(Boolean);
    const outgoing: Record<string, string> = {};
    let status = 200;
    for (const line of headers) {
      const [name, ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else outgoing[name.toLowerCase()] = value;
    }
    res.writeHead(status, outgoing);
    res.end(stdout.subarray(split.at + split.length));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    origin,
    urls: {
      ortho: `${origin}/ows?map=ORTHO`,
      lksOnly: `${origin}/ows?map=LKSONLY`,
      only111: `${origin}/old/ows?map=ORTHO`,
      html: `${origin}/html`,
      xml: `${origin}/xml`,
      echo: `${origin}/echo`,
      garbage: `${origin}/garbage`,
      slow: `${origin}/slow`,
    },
    requests,
    getMapCount: (layer) =>
      requests.filter((r) => {
        const get = (name: string) => [...r.query].find(([k]) => k.toLowerCase() === name)?.[1];
        return get('request')?.toLowerCase() === 'getmap' && (!layer || get('layers') === layer);
      }).length,
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** CGI output: headers, a blank line (CRLF or LF), then the body. */
function findHeaderEnd(out: Buffer): { at: number; length: number } {
  const crlf = out.indexOf('\r\n\r\n');
  const lf = out.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  throw new Error(`mapserv wrote no header block: ${out.subarray(0, 200).toString()}`);
}

/** A colour gradient with a checkerboard, so any tile over it has many distinct pixels. */
async function writeOrthophoto(dir: string) {
  const size = 300;
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      pixels[i] = Math.round((x / size) * 255);
      pixels[i + 1] = Math.round((y / size) * 255);
      pixels[i + 2] = ((x >> 3) + (y >> 3)) % 2 ? 200 : 40;
    }
  }
  const ppm = path.join(dir, 'ortho.ppm');
  await writeFile(ppm, Buffer.concat([Buffer.from(`P6\n${size} ${size}\n255\n`), pixels]));
  const { west, north, east, south } = orthoExtent3059;
  await run('gdal_translate', ['-q', '-a_srs', 'EPSG:3059', '-a_ullr', `${west}`, `${north}`, `${east}`, `${south}`, ppm, path.join(dir, 'ortho.tif')]);
}

async function writeMapfiles(dir: string) {
  const tif = path.join(dir, 'ortho.tif');
  const raster = (name: string, metadata: string, group = '') => `
  LAYER
    NAME "${name}"
    ${group ? `GROUP "${group}"` : ''}
    TYPE RASTER
    STATUS ON
    DATA "${tif}"
    PROJECTION "init=epsg:3059" END
    METADATA ${metadata} END
  END`;
  const map = (name: string, mapSrs: string, layers: string) => `MAP
  NAME "${name}"
  EXTENT 490000 295000 520000 325000
  SIZE 256 256
  PROJECTION "init=epsg:3059" END
  WEB
    METADATA
      "wms_title" "Mārupe test orthophoto"
      "wms_onlineresource" "http://127.0.0.1/ows?"
      "wms_srs" "${mapSrs}"
      "wms_enable_request" "*"
    END
  END${layers}
END
`;
  await writeFile(
    path.join(dir, 'ortho.map'),
    map(
      'marupe',
      'EPSG:3059 EPSG:4326',
      raster('ortho', '"wms_title" "Ortofoto" "wms_srs" "EPSG:3059 EPSG:3857 EPSG:4326"') +
        raster('lks_only', '"wms_title" "Tikai LKS-92"') +
        raster('topo_a', '"wms_title" "Topogrāfiskā karte" "wms_group_title" "Topo" "wms_srs" "EPSG:3059 EPSG:3857"', 'topo'),
    ),
  );
  await writeFile(path.join(dir, 'lks.map'), map('lks', 'EPSG:3059 EPSG:4326', raster('ortho_lks', '"wms_title" "Ortofoto LKS"')));
  await writeFile(
    path.join(dir, 'mapserver.conf'),
    `CONFIG
  ENV
    MS_MAP_PATTERN "^${dir}/"
  END
  MAPS
    ORTHO "${path.join(dir, 'ortho.map')}"
    LKSONLY "${path.join(dir, 'lks.map')}"
  END
END
`,
  );
}
