/**
 * The request as a raw-http web action receives it, and its exact bytes.
 */

/** I/O Runtime refuses larger requests; we say so with a 413 of our own before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RawHttpParams {
  __ow_method?: string;
  __ow_headers?: Record<string, string>;
  __ow_body?: string;
  [input: string]: unknown;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|x-www-form-urlencoded|javascript))/i;

/**
 * The exact request bytes. With `raw-http`, OpenWhisk passes `__ow_body` as the plain
 * string for text-like content types (JSON included) and base64 for anything it treats
 * as binary (a body that is not base64 is taken as it is, e.g. JSON sent without a content
 * type); signatures are checked over the decoded bytes.
 */
export function rawBody(params: RawHttpParams): string | Buffer {
  const body = params.__ow_body;
  if (typeof body !== 'string') return '';
  const type = params.__ow_headers?.['content-type'] ?? '';
  if (TEXT_TYPES.test(type)) return body;
  // binary per its content type (or none given): base64, unless it plainly is not
  if (body.length % 4 === 0 && BASE64.test(body)) return Buffer.from(body, 'base64');
  return body;
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
