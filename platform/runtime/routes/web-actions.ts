/**
 * Web actions, `/api/v1/web/{ns}/{pkg}/{action}[.ext][/path]`: the request becomes the
 * action's params, its result the response (platform/runtime/web.ts). Errors carry the
 * activation id as their `code`, as OpenWhisk's do.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActivationRecord, PlatformConfig } from '../../core/types';
import type { LocalRuntime } from '../runtime';
import { newActivationId } from '../runtime';
import { forActivation, NOT_FOUND, runtimeError } from '../errors';
import { isTextContentType, renderWebResult } from '../web';
import { headersOf, queryString, rawBody, type RestGuard } from './request';
import { MAX_PAYLOAD_BYTES } from '../limits';

const ACTIVATION_HEADER = 'x-openwhisk-activation-id';

const WEB_EXTENSIONS = ['json', 'http', 'html', 'text', 'svg'];

/** What OpenWhisk adds to web responses (and answers to OPTIONS) unless `web-custom-options`. */
const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH',
  'access-control-allow-headers': 'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent',
};

/** `pkg/action.ext/rest/of/path` (or `action` alone, in the default package) */
function parseWebPath(rest: string): { fullName: string; ext: string; path: string } {
  const segs = rest.split('/');
  let pkg = segs[0] ?? '';
  let action = segs[1] ?? '';
  let restPath = segs.slice(2);
  if (segs.length === 1) {
    pkg = 'default';
    action = segs[0] ?? '';
    restPath = [];
  }
  let ext = 'http';
  const dot = action.lastIndexOf('.');
  if (dot > 0 && WEB_EXTENSIONS.includes(action.slice(dot + 1))) {
    ext = action.slice(dot + 1);
    action = action.slice(0, dot);
  }
  return { fullName: `${pkg}/${action}`, ext, path: restPath.length ? '/' + restPath.join('/') : '' };
}

/**
 * OpenWhisk's `require-whisk-auth` annotation of a web action: `true` asks for the namespace
 * key (Basic auth), a string or number for that value in `X-Require-Whisk-Auth`.
 */
function requireWhiskAuth(
  value: unknown,
  req: FastifyRequest,
  headers: Record<string, string>,
  guard: RestGuard,
  activationId: string,
): void {
  if (value === undefined || value === false || value === 'false') return;
  let ok: boolean;
  if (value === true || value === 'true') {
    try {
      guard.authorize(req);
      ok = true;
    } catch {
      ok = false;
    }
  } else {
    ok = headers['x-require-whisk-auth'] === String(value);
  }
  if (!ok) {
    throw runtimeError(
      401,
      'The resource requires authentication, which was not supplied with the request',
      activationId,
    );
  }
}

export function registerWebActionRoutes(
  app: FastifyInstance,
  cfg: PlatformConfig,
  rt: LocalRuntime,
  guard: RestGuard,
): void {
  const web = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = req.params as { ns: string; '*': string };
    const { fullName, ext, path } = parseWebPath(params['*'] ?? '');
    const spec = rt.spec(fullName);
    const activationId = String(reply.getHeader(ACTIVATION_HEADER));
    if (!guard.isOwnNamespace(params.ns) || !spec || !spec.web) throw runtimeError(404, NOT_FOUND, activationId);
    if (!spec.webCustomOptions) {
      reply.headers(CORS);
      if (req.method === 'OPTIONS') return reply.code(200).send('');
    }
    const raw = rawBody(req, cfg, activationId);
    const headers = headersOf(req);
    requireWhiskAuth(spec.annotations['require-whisk-auth'], req, headers, guard, activationId);
    if (spec.requireAdobeAuth && !/^Bearer\s+\S+/i.test(headers.authorization ?? '')) {
      throw runtimeError(401, 'cannot authorize request, reason: missing authorization header', activationId);
    }
    // raw-http promises the exact bytes: text that is not valid UTF-8 goes as base64, as binary does
    const text = isTextContentType(headers['content-type']) && (!spec.rawHttp || isUtf8(raw));
    const webRequest = {
      method: req.method,
      headers,
      body: text ? raw.toString('utf8') : '',
      query: queryString(req.url),
      path,
    };
    let rec: ActivationRecord;
    try {
      const actParams = rt.webParamsFor(spec, webRequest, text ? undefined : raw);
      rec = await rt.run(fullName, actParams, { activationId, merged: true });
    } catch (e) {
      // a malformed request or a limit hit: answered under this activation's id
      throw forActivation(e, activationId);
    }
    const out = renderWebResult(rec, ext);
    reply.code(out.statusCode);
    for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
    return reply.send(out.body);
  };
  // I/O Runtime's 1 MB request cap, enforced while reading: a larger body is never buffered.
  // The activation id is assigned before the body is read, so that its 413 carries one too.
  app.all(
    '/api/v1/web/:ns/*',
    {
      bodyLimit: MAX_PAYLOAD_BYTES,
      onRequest: (_req, reply, done) => {
        reply.header(ACTIVATION_HEADER, newActivationId());
        done();
      },
    },
    web,
  );
}
