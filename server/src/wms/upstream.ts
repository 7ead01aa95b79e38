import { redact } from './redact.js';

/** Why an upstream WMS request gave no usable answer; `reason` is safe to show and log. */
export class UpstreamError extends Error {
  constructor(
    public readonly kind: 'timeout' | 'unreachable' | 'http' | 'redirect' | 'too-large' | 'not-image',
    public readonly reason: string,
  ) {
    super(reason);
  }
}

export interface UpstreamAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/**
 * GETs a WMS URL with a time limit and a size limit. Redirects are not followed: a redirect
 * could lead the server to a host nobody checked. The URL may hold a key, so no message built
 * here contains it.
 * @throws UpstreamError when there is no complete HTTP answer
 */
export async function fetchUpstream(url: URL, opts: { timeoutMs: number; maxBytes: number }): Promise<UpstreamAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
      headers: { 'user-agent': 'pasvaldibu-gis WMS proxy', accept: 'image/png,image/jpeg,text/xml,application/xml;q=0.9,*/*;q=0.1' },
    });
  } catch (err) {
    throw failure(err, opts.timeoutMs);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    const location = response.headers.get('location');
    throw new UpstreamError('redirect', `answered with a redirect (HTTP ${response.status})${location ? ` to ${safeLocation(location, url)}` : ''}`);
  }
  let body: Buffer;
  try {
    body = await readLimited(response, opts.maxBytes);
  } catch (err) {
    throw err instanceof UpstreamError ? err : failure(err, opts.timeoutMs);
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

/** Reads the body, giving up past `maxBytes` so a hostile server cannot fill memory. */
async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new UpstreamError('too-large', `sent more than ${Math.round(maxBytes / 1024 / 1024)} MB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function failure(err: unknown, timeoutMs: number): UpstreamError {
  const e = err as Error & { cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new UpstreamError('timeout', `did not answer within ${timeoutMs / 1000} s`);
  }
  const code = e?.cause?.code;
  const why: Record<string, string> = {
    ECONNREFUSED: 'refused the connection',
    ENOTFOUND: 'has a host name that does not resolve',
    EAI_AGAIN: 'has a host name that could not be resolved now',
    ECONNRESET: 'closed the connection',
    ETIMEDOUT: 'did not accept a connection in time',
    EHOSTUNREACH: 'is unreachable',
    ENETUNREACH: 'is on an unreachable network',
  };
  return new UpstreamError('unreachable', code && why[code] ? why[code] : `does not answer (${code ?? e?.message ?? 'network error'})`);
}

/** A redirect target without its query string, which may echo the key back. */
function safeLocation(location: string, base: URL): string {
  try {
    const target = new URL(location, base);
    return `${target.origin}${target.pathname}`;
  } catch {
    return 'an invalid location';
  }
}

/**
 * The image type of the bytes by their signature, or undefined when they are not a PNG or JPEG
 * (a WMS ServiceException, an HTML error page, an empty body).
 */
export function imageType(bytes: Buffer): 'image/png' | 'image/jpeg' | undefined {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/**
 * A short, single-line excerpt of a non-image answer for logs (e.g. the ServiceException text).
 * The secret is removed before the text is cut, so not even part of a key an upstream echoes
 * back reaches the log.
 */
export function describeNonImage(answer: UpstreamAnswer, secret?: string): string {
  const text = redact(decodeXmlEntities(answer.body.subarray(0, 4000).toString('utf8')), secret);
  const exception = /<ServiceException(?:\s[^>]*)?>([\s\S]*?)<\/ServiceException>/i.exec(text)?.[1];
  const html = /html/i.test(answer.contentType) || /^\s*<(!doctype html|html)/i.test(text);
  const kind = html ? 'an HTML page' : exception !== undefined ? 'a WMS ServiceException' : `"${answer.contentType || 'no content type'}"`;
  const detail = (exception ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
  return `HTTP ${answer.status} with ${kind}${detail ? `: ${detail}` : ''}`;
}

function decodeXmlEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => named[name]);
}
