/** What a delivery trace keeps of a request or response: no credentials, bodies up to 64 KB. */

const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-gw-ims-.*|.*secret.*|.*token.*|.*password.*)$/i;

/** Copy of headers with secret values replaced (traces never keep credentials). */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    out[k.toLowerCase()] = SECRET_HEADER.test(k) ? '***' : value;
  }
  return out;
}

export const TRACE_BODY_LIMIT = 64 * 1024;

/** Trace bodies are trimmed at 64 KB, like Adobe's Debug Tracing. */
export function trimBody(body: string | undefined | null): string | null {
  if (body === undefined || body === null) return null;
  if (body.length <= TRACE_BODY_LIMIT) return body;
  return `${body.slice(0, TRACE_BODY_LIMIT)}…[trimmed ${body.length - TRACE_BODY_LIMIT} chars]`;
}
