/**
 * Web actions: an HTTP request becomes the action's params, the action's result becomes
 * the HTTP response, by Apache OpenWhisk's rules: JSON and form bodies merge into the params
 * (query first), other bodies arrive as `__ow_body` (base64 when binary), `raw-http` actions
 * get the body and query untouched, `__ow_*` names and final inputs cannot be overridden.
 */
import type { WebRequest } from '../core/types';
import { runtimeError } from './errors';
import { parseJson } from '../core/http';

export { isTextContentType, renderHttpObject, renderWebResult, type HttpOut } from '../core/activation-http';

function queryObject(q: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!q) return out;
  for (const [k, v] of new URLSearchParams(q)) out[k] = v;
  return out;
}

/**
 * Params of a web activation. `bodyBuf` is the raw body when it is binary (base64 for
 * `__ow_body`), or, for a `raw-http` action, text that is not valid UTF-8 (its exact bytes
 * rather than U+FFFD in their place); `req.body` is its text otherwise.
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
  // the caller gives the bytes only when they cannot be passed as text (binary, or not UTF-8)
  const rawBody = (): string => (opts.bodyBuf ? opts.bodyBuf.toString('base64') : req.body);
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
        parsed = parseJson(req.body);
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
    if (k.startsWith('__ow_'))
      throw runtimeError(400, `Request defines parameters that are not allowed (e.g., reserved properties): ${k}.`);
    if (opts.final && k in inputs) {
      throw runtimeError(
        400,
        `Request defines parameters that are not allowed (e.g., reserved properties): ${k} is a final input of the action.`,
      );
    }
  }
  return { ...inputs, ...fromRequest, ...base, ...(owBody !== undefined ? { __ow_body: owBody } : {}) };
}
