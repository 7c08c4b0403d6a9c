/**
 * An activation's result rendered as the HTTP response a web action gives, by Apache
 * OpenWhisk's rules: the runtime answers web action requests with it, and the events
 * module renders a runtime-action delivery with it (Adobe wraps the action in a web
 * sequence, so what it answers is what a web action would answer).
 */
import type { ActivationRecord } from './types';

const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|x-www-form-urlencoded|xml|.*\+xml|javascript|graphql))/i;

export function isTextContentType(ct: string | undefined): boolean {
  return !ct || TEXT_TYPES.test(ct.trim());
}

export interface HttpOut {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{statusCode, headers, body}` → HTTP. */
export function renderHttpObject(r: Record<string, unknown>): HttpOut {
  const headers: Record<string, string> = {};
  if (isObj(r.headers)) {
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined || v === null) continue;
      headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  const body = r.body;
  let statusCode: number;
  if (r.statusCode === undefined || r.statusCode === null)
    statusCode = body === undefined || body === null || body === '' ? 204 : 200;
  else statusCode = Number(r.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return {
      statusCode: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'The action produced an invalid HTTP status code.' }),
    };
  }
  if (body === undefined || body === null) return { statusCode, headers, body: '' };
  if (typeof body === 'object') {
    if (!headers['content-type']) headers['content-type'] = 'application/json';
    return { statusCode, headers, body: JSON.stringify(body) };
  }
  if (typeof body === 'string') {
    const ct = headers['content-type'];
    if (ct && !isTextContentType(ct) && !/^image\/svg/i.test(ct)) {
      // binary content types carry base64 in `body`, as in OpenWhisk
      return { statusCode, headers, body: Buffer.from(body, 'base64') };
    }
    if (!ct) headers['content-type'] = 'text/html; charset=utf-8';
    return { statusCode, headers, body };
  }
  if (!headers['content-type']) headers['content-type'] = 'application/json';
  return { statusCode, headers, body: JSON.stringify(body) };
}

/**
 * Who reads the rendering. A web action's caller gets OpenWhisk's answer; a delivery
 * differs in one place: an application error whose `error` has no numeric statusCode is a
 * 502 (the target failed, so I/O Events retries it) where a web action answers 400 (which
 * would be a final rejection of the event).
 */
export type RenderFor = 'web' | 'delivery';

/** An activation's outcome as a web action's HTTP response. */
export function renderWebResult(rec: ActivationRecord, ext: string, renderFor: RenderFor = 'web'): HttpOut {
  const result = rec.response.result;
  const json = (statusCode: number, body: unknown): HttpOut => ({
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (rec.response.statusCode === 0) {
    if (ext === 'json') return json(200, result);
    return renderHttpObject(result);
  }
  if (rec.response.statusCode === 1) {
    const err = result.error;
    if (isObj(err)) {
      if (ext === 'json') return json(isObj(err) && typeof err.statusCode === 'number' ? err.statusCode : 400, err);
      if (renderFor === 'delivery' && typeof err.statusCode !== 'number') return json(502, result);
      const out = renderHttpObject(err);
      if (err.statusCode === undefined && out.statusCode < 400) out.statusCode = 400;
      return out;
    }
    return json(502, { error: typeof err === 'string' ? err : 'The action failed.', code: rec.activationId });
  }
  if (rec.response.statusCode === 2) {
    const err = result.error;
    return json(502, {
      error: typeof err === 'string' ? err : 'The action did not produce a valid response.',
      code: rec.activationId,
    });
  }
  return json(500, { error: 'Internal server error.', code: rec.activationId });
}
