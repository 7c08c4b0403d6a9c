/**
 * Web actions: an HTTP request becomes the action's params, the action's result becomes
 * the HTTP response, by Apache OpenWhisk's rules: JSON and form bodies merge into the params
 * (query first), other bodies arrive as `__ow_body` (base64 when binary), `raw-http` actions
 * get the body and query untouched, `__ow_*` names and final inputs cannot be overridden.
 */
import type { ActivationRecord, WebRequest } from '../core/types';
import { runtimeError } from './errors';

const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|x-www-form-urlencoded|xml|.*\+xml|javascript|graphql))/i;

export function isTextContentType(ct: string | undefined): boolean {
  return !ct || TEXT_TYPES.test(ct.trim());
}

function queryObject(q: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!q) return out;
  for (const [k, v] of new URLSearchParams(q)) out[k] = v;
  return out;
}

/**
 * Params of a web activation. `bodyBuf` is the raw body when it is binary (base64 for
 * `__ow_body`); `req.body` is its text otherwise.
 */
export function webParams(
  req: WebRequest,
  inputs: Record<string, unknown>,
  opts: { rawHttp: boolean; final: boolean; bodyBuf?: Buffer },
): Record<string, unknown> {
  const ct = req.headers['content-type'];
  const base = {
    __ow_method: req.method.toLowerCase(),
    __ow_headers: req.headers,
    __ow_path: req.path ?? '',
  };
  const rawBody = (): string =>
    opts.bodyBuf && !isTextContentType(ct) ? opts.bodyBuf.toString('base64') : req.body;
  if (opts.rawHttp) {
    return { ...inputs, ...base, __ow_body: rawBody(), __ow_query: req.query ?? '' };
  }
  const fromRequest: Record<string, unknown> = { ...queryObject(req.query) };
  let owBody: string | undefined;
  if (req.body.length > 0) {
    const type = (ct ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'application/json' || type.endsWith('+json') || type === '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body);
      } catch {
        if (type !== '') throw runtimeError(400, 'The request content was malformed: invalid JSON body.');
        parsed = undefined;
        owBody = req.body;
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(fromRequest, parsed);
      else if (parsed !== undefined) owBody = req.body;
    } else if (type === 'application/x-www-form-urlencoded') {
      Object.assign(fromRequest, queryObject(req.body));
    } else {
      owBody = rawBody();
    }
  }
  for (const k of Object.keys(fromRequest)) {
    if (k.startsWith('__ow_')) throw runtimeError(400, `Request defines parameters that are not allowed (e.g., reserved properties): ${k}.`);
    if (opts.final && k in inputs) {
      throw runtimeError(400, `Request defines parameters that are not allowed (e.g., reserved properties): ${k} is a final input of the action.`);
    }
  }
  return { ...inputs, ...fromRequest, ...base, ...(owBody !== undefined ? { __ow_body: owBody } : {}) };
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
  if (r.statusCode === undefined || r.statusCode === null) statusCode = body === undefined || body === null || body === '' ? 204 : 200;
  else statusCode = Number(r.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'The action produced an invalid HTTP status code.' }) };
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

/** An activation's outcome as a web action's HTTP response. */
export function renderWebResult(rec: ActivationRecord, ext: string): HttpOut {
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
      const out = renderHttpObject(err);
      if (err.statusCode === undefined && out.statusCode < 400) out.statusCode = 400;
      return out;
    }
    return json(502, { error: typeof err === 'string' ? err : 'The action failed.', code: rec.activationId });
  }
  if (rec.response.statusCode === 2) {
    const err = result.error;
    return json(502, { error: typeof err === 'string' ? err : 'The action did not produce a valid response.', code: rec.activationId });
  }
  return json(500, { error: 'Internal server error.', code: rec.activationId });
}
