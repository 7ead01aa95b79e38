/**
 * A problem with the file or the request that the person importing can fix; its message says
 * what is wrong and what to do. Anything else that fails is a bug or an outage.
 */
export class ImportError extends Error {
  override name = 'ImportError';
}
