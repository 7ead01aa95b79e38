/**
 * Replaces every occurrence of `secret` (and its URL-encoded form) in `text` with "***", for
 * anything about a keyed upstream that goes to a log or a response.
 * @example redact('GET https://h/wms?key=s3cret failed', 's3cret') // 'GET https://h/wms?key=*** failed'
 */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text;
  for (const form of new Set([secret, encodeURIComponent(secret), new URLSearchParams({ k: secret }).toString().slice(2)])) {
    out = out.split(form).join('***');
  }
  return out;
}
