/**
 * The OpenWhisk HTTP API: web actions (`/api/v1/web/...`) and the REST API
 * (`/api/v1/namespaces/...`) that the `openwhisk` client and `aio rt` use.
 * Errors are OpenWhisk's `{error, code}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActivationRecord, PlatformContext } from '../core/types';
import type { LocalRuntime } from './runtime';
import { ActionNotFound, newActivationId } from './runtime';
import { LimitError, MAX_PAYLOAD_BYTES } from './limits';
import { isTextContentType, renderWebResult, WebError } from './web';

const BLOCKING_WAIT_MS = 60_000;
const MIN_BLOCKING_WAIT_MS = 1000;

function owError(reply: FastifyReply, statusCode: number, error: string, code?: string): FastifyReply {
  return reply.code(statusCode).header('content-type', 'application/json').send(JSON.stringify({ error, code: code ?? newActivationId() }));
}

/** Node already lower-cases header names; only repeated headers (arrays) need joining. */
function headersOf(req: FastifyRequest): Record<string, string> {
  const h = req.headers;
  for (const k in h) {
    const v = h[k];
    if (typeof v !== 'string') {
      const out: Record<string, string> = {};
      for (const [k2, v2] of Object.entries(h)) if (v2 !== undefined) out[k2] = Array.isArray(v2) ? v2.join(', ') : v2;
      return out;
    }
  }
  return h as Record<string, string>;
}

function queryString(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

function num(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

const WEB_EXTENSIONS = ['json', 'http', 'html', 'text', 'svg'];

/** What OpenWhisk adds to web responses (and answers to OPTIONS) unless `web-custom-options`. */
const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH',
  'access-control-allow-headers': 'Authorization, Origin, X-Requested-With, Content-Type, Accept, User-Agent',
};

export function registerRuntimeRoutes(app: FastifyInstance, ctx: PlatformContext, rt: LocalRuntime): void {
  const cfg = ctx.config;
  const expectedAuth = `Basic ${Buffer.from(cfg.auth).toString('base64')}`;

  // bodies stay raw here: web actions need the exact bytes, the REST API parses JSON itself
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const startedAt = Date.now();
  const nsOk = (ns: string): boolean => ns === '_' || ns === cfg.namespace;

  const checkAuth = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const h = req.headers.authorization;
    if (h === expectedAuth) return true;
    // tolerate other spellings of the same credentials
    if (h && /^basic\s+/i.test(h)) {
      try {
        if (Buffer.from(h.replace(/^basic\s+/i, ''), 'base64').toString('utf8') === cfg.auth) return true;
      } catch {
        /* fall through */
      }
    }
    owError(reply, 401, 'The supplied authentication is invalid.');
    return false;
  };

  const bodyJson = (req: FastifyRequest): Record<string, unknown> | undefined => {
    const b = req.body;
    if (!Buffer.isBuffer(b) || b.length === 0) return {};
    try {
      const v: unknown = JSON.parse(b.toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  // ---------------------------------------------------------------- web actions
  const web = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const params = req.params as { ns: string; '*': string };
    const rest = params['*'] ?? '';
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
    const fullName = `${pkg}/${action}`;
    const spec = rt.spec(fullName);
    const activationId = newActivationId();
    reply.header('x-openwhisk-activation-id', activationId);
    if (!nsOk(params.ns) || !spec || !spec.web) return owError(reply, 404, 'The requested resource does not exist.', activationId);
    if (!spec.webCustomOptions) {
      reply.headers(CORS);
      if (req.method === 'OPTIONS') return reply.code(200).send('');
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (cfg.productionLimits && raw.length > MAX_PAYLOAD_BYTES) {
      return owError(reply, 413, `The request content was too large (${raw.length} > ${MAX_PAYLOAD_BYTES} bytes).`, activationId);
    }
    const headers = headersOf(req);
    if (spec.requireAdobeAuth && !/^Bearer\s+\S+/i.test(headers.authorization ?? '')) {
      return owError(reply, 401, 'cannot authorize request, reason: missing authorization header', activationId);
    }
    const text = isTextContentType(headers['content-type']);
    let actParams: Record<string, unknown>;
    try {
      actParams = rt.webParamsFor(
        spec,
        {
          method: req.method,
          headers,
          body: text ? raw.toString('utf8') : '',
          query: queryString(req.url),
          path: restPath.length ? '/' + restPath.join('/') : '',
        },
        text ? undefined : raw,
      );
    } catch (e) {
      if (e instanceof WebError) return owError(reply, e.statusCode, e.message, activationId);
      throw e;
    }
    let rec: ActivationRecord;
    try {
      rec = await rt.run(fullName, actParams, { activationId, merged: true });
    } catch (e) {
      if (e instanceof LimitError) return owError(reply, e.statusCode, e.message, activationId);
      throw e;
    }
    const out = renderWebResult(rec, ext);
    reply.code(out.statusCode);
    for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
    return reply.send(out.body);
  };
  app.all('/api/v1/web/:ns/*', web);

  // ---------------------------------------------------------------- REST API
  app.get('/api/v1', async () => ({ api_paths: ['/api/v1'], description: 'OpenWhisk API (local platform)', runtime: 'local' }));

  app.get('/api/v1/namespaces', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    return [cfg.namespace];
  });

  const packagesOf = (): Array<Record<string, unknown>> => {
    const names = [...new Set(rt.specList().map((s) => s.packageName))];
    return names.map((name) => ({ name, namespace: cfg.namespace, version: '0.0.1', publish: false, binding: {}, annotations: [], updated: startedAt }));
  };

  const actionEntry = (fullName: string, details: boolean): Record<string, unknown> | undefined => {
    const s = rt.spec(fullName);
    if (!s) return undefined;
    const annotations: Array<{ key: string; value: unknown }> = [
      { key: 'exec', value: 'nodejs' },
      { key: 'web-export', value: s.web },
      { key: 'raw-http', value: s.rawHttp },
      { key: 'final', value: s.final },
    ];
    if (s.requireAdobeAuth) annotations.push({ key: 'require-adobe-auth', value: true });
    const e: Record<string, unknown> = {
      name: s.actionName,
      namespace: `${cfg.namespace}/${s.packageName}`,
      version: '0.0.1',
      publish: false,
      exec: { kind: s.runtime, binary: false },
      annotations,
      limits: { timeout: s.limits.timeout, memory: s.limits.memory, concurrency: s.limits.concurrency, logs: 10 },
      updated: rt.builtAt(fullName),
    };
    if (details) {
      e.parameters = Object.entries(rt.resolvedInputs(fullName)).map(([key, value]) => ({ key, value }));
      if (s.web) e.url = rt.webUrl(s);
    }
    return e;
  };

  app.get('/api/v1/namespaces/:ns/packages', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    if (!nsOk((req.params as { ns: string }).ns)) return owError(reply, 403, 'The supplied authentication is not authorized to access this resource.');
    return packagesOf();
  });
  app.get('/api/v1/namespaces/:ns/packages/:pkg', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    const { ns, pkg } = req.params as { ns: string; pkg: string };
    const p = packagesOf().find((x) => x.name === pkg);
    if (!nsOk(ns) || !p) return owError(reply, 404, 'The requested resource does not exist.');
    return {
      ...p,
      parameters: [],
      actions: rt.specList().filter((s) => s.packageName === pkg).map((s) => ({ name: s.actionName, version: '0.0.1', annotations: [] })),
      feeds: [],
    };
  });
  // `aio rt activation logs` asks where logs are forwarded first; locally they stay in Runtime
  app.get('/runtime/namespaces/:ns/logForwarding', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    return { adobe_io_runtime: {} };
  });
  for (const kind of ['triggers', 'rules']) {
    app.get(`/api/v1/namespaces/:ns/${kind}`, async (req, reply) => {
      if (!checkAuth(req, reply)) return reply;
      return [];
    });
  }

  app.get('/api/v1/namespaces/:ns/actions', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    const { ns } = req.params as { ns: string };
    if (!nsOk(ns)) return owError(reply, 403, 'The supplied authentication is not authorized to access this resource.');
    const q = req.query as Record<string, string | undefined>;
    const all = rt.specList().map((s) => actionEntry(s.fullName, false) as Record<string, unknown>);
    if (q.count === 'true') return { actions: all.length };
    const skip = num(q.skip) ?? 0;
    const limit = num(q.limit) ?? 30;
    return all.slice(skip, limit > 0 ? skip + limit : undefined);
  });

  const actionRoute = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (!checkAuth(req, reply)) return reply;
    const { ns, '*': rest } = req.params as { ns: string; '*': string };
    if (!nsOk(ns)) return owError(reply, 403, 'The supplied authentication is not authorized to access this resource.');
    const fullName = rest.includes('/') ? rest : `default/${rest}`;
    if (!rt.spec(fullName)) return owError(reply, 404, 'The requested resource does not exist.');
    if (req.method === 'GET') return actionEntry(fullName, true);
    if (req.method !== 'POST') {
      return owError(reply, 405, `Actions come from app.config.yaml on the local platform; ${req.method} is not supported (edit the file: actions are rebuilt on change).`);
    }
    const q = req.query as Record<string, string | undefined>;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (cfg.productionLimits && raw.length > MAX_PAYLOAD_BYTES) {
      return owError(reply, 413, `The request content was too large (${raw.length} > ${MAX_PAYLOAD_BYTES} bytes).`);
    }
    const params = bodyJson(req);
    if (!params) return owError(reply, 400, 'The request content was malformed: the body must be a JSON object of parameters.');
    const blocking = q.blocking === 'true';
    const activationId = newActivationId();
    reply.header('x-openwhisk-activation-id', activationId);
    let running: Promise<ActivationRecord>;
    try {
      running = rt.run(fullName, params, { activationId });
      // a synchronous LimitError surfaces on await below
    } catch (e) {
      if (e instanceof LimitError) return owError(reply, e.statusCode, e.message, activationId);
      throw e;
    }
    if (!blocking) {
      running.catch((e: unknown) => ctx.log.warn('non-blocking activation failed', { activationId, error: String(e) }));
      // a limit hit must still answer 429 synchronously: give the run a tick to throw
      const early = await Promise.race([running.then(() => undefined, (e: unknown) => e), new Promise((r) => setImmediate(r, undefined))]);
      if (early instanceof LimitError) return owError(reply, early.statusCode, early.message, activationId);
      return reply.code(202).send({ activationId });
    }
    // the time scale compresses Adobe's schedules for demos and tests, but a blocking wait
    // under a second would turn every ordinary consumer → handler call into a 202
    const waitMs = Math.max(MIN_BLOCKING_WAIT_MS, BLOCKING_WAIT_MS * cfg.timeScale);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), waitMs);
    });
    let rec: ActivationRecord | 'timeout';
    try {
      rec = await Promise.race([running, timeout]);
    } catch (e) {
      if (e instanceof LimitError) return owError(reply, e.statusCode, e.message, activationId);
      if (e instanceof ActionNotFound) return owError(reply, 404, e.message, activationId);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if (rec === 'timeout') return reply.code(202).send({ activationId });
    const ok = rec.response.statusCode === 0;
    const status = ok ? 200 : rec.response.statusCode === 3 ? 500 : 502;
    if (q.result === 'true') return reply.code(status).send(rec.response.result);
    return reply.code(status).send(rec);
  };
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url: '/api/v1/namespaces/:ns/actions/*', handler: actionRoute });

  // ---------------------------------------------------------------- activations
  const summary = (r: ActivationRecord, docs: boolean): Record<string, unknown> => {
    if (docs) return { ...r, publish: false };
    const { response, logs: _logs, ...rest } = r;
    return { ...rest, publish: false, statusCode: response.statusCode };
  };

  app.get('/api/v1/namespaces/:ns/activations', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    const { ns } = req.params as { ns: string };
    if (!nsOk(ns)) return owError(reply, 403, 'The supplied authentication is not authorized to access this resource.');
    const q = req.query as Record<string, string | undefined>;
    const since = num(q.since);
    const upto = num(q.upto);
    const base = {
      ...(q.name ? { name: q.name } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(upto !== undefined ? { upto } : {}),
    };
    if (q.count === 'true') return { activations: rt.store.count(base) };
    const limit = Math.min(Math.max(num(q.limit) ?? 30, 0) || 30, 200);
    const list = rt.store.list({ ...base, limit, skip: num(q.skip) ?? 0 });
    return list.map((r) => summary(r, q.docs === 'true'));
  });

  app.get('/api/v1/namespaces/:ns/activations/:id', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    const { id } = req.params as { ns: string; id: string };
    const r = rt.store.get(id);
    if (!r) return owError(reply, 404, 'The requested resource does not exist.');
    return { ...r, publish: false };
  });
  app.get('/api/v1/namespaces/:ns/activations/:id/logs', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    const r = rt.store.get((req.params as { id: string }).id);
    if (!r) return owError(reply, 404, 'The requested resource does not exist.');
    return { logs: r.logs };
  });
  app.get('/api/v1/namespaces/:ns/activations/:id/result', async (req, reply) => {
    if (!checkAuth(req, reply)) return reply;
    const r = rt.store.get((req.params as { id: string }).id);
    if (!r) return owError(reply, 404, 'The requested resource does not exist.');
    return { ...r.response };
  });
}
