/**
 * A tiny OpenWhisk REST API for the consumer tests: just the blocking invoke the `openwhisk`
 * client sends (`POST /api/v1/namespaces/{ns}/actions/{pkg}/{action}?blocking=true`), with
 * Basic auth, answering as OpenWhisk does:
 *   action returned an object without `error` → 200 + activation record, success
 *   action returned `{error}` or threw        → 502 + activation record, application error
 *   action exceeded its time limit             → 502 + record, developer error, "exceeded its time limits"
 *   action outlived the blocking wait          → 202 {activationId}
 *   no such action                             → 404
 * Actions are in-process functions: a test registers canned ones, or the real handler main.
 */
import crypto from 'node:crypto';
import { idle, listen, readBody, sendJson } from './http-util';

export type TestAction = (params: Record<string, unknown>) => unknown;

export interface OpenWhiskServerOptions {
  namespace?: string;
  /** "uuid:key" */
  auth?: string;
  /** per-action time limit; default 60 000 ms */
  timeLimitMs?: number;
  /** platform's blocking wait; default 60 000 ms */
  blockingWaitMs?: number;
}

export interface Invocation {
  name: string;
  params: Record<string, unknown>;
  activationId: string;
}

export async function startOpenWhiskServer(opts: OpenWhiskServerOptions = {}) {
  const namespace = opts.namespace ?? '1234567-testapp-stage';
  const auth = opts.auth ?? `${crypto.randomUUID()}:${crypto.randomBytes(16).toString('hex')}`;
  const actions = new Map<string, TestAction>();
  const limits = new Map<string, number>();
  const invocations: Invocation[] = [];
  const expected = `Basic ${Buffer.from(auth).toString('base64')}`;

  const srv = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/actions\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.headers.authorization !== expected)
      return sendJson(res, 401, { error: 'The supplied authentication is invalid.' });
    if (req.method !== 'POST' || !m) return sendJson(res, 404, { error: 'The requested resource does not exist.' });
    const [, ns, pkg, action] = m as unknown as [string, string, string, string];
    if (ns !== '_' && ns !== namespace)
      return sendJson(res, 403, { error: 'The supplied authentication is not authorized to access this resource.' });
    const name = `${pkg}/${action}`;
    const impl = actions.get(name);
    if (!impl) return sendJson(res, 404, { error: 'The requested resource does not exist.' });
    const raw = await readBody(req);
    const params = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const activationId = crypto.randomBytes(16).toString('hex');
    invocations.push({ name, params, activationId });
    const blocking = url.searchParams.get('blocking') === 'true';
    const limit = limits.get(name) ?? opts.timeLimitMs ?? 60_000;
    const wait = opts.blockingWaitMs ?? 60_000;
    const start = Date.now();

    type Settled = { ok: true; value: unknown } | { ok: false; error: unknown } | { timeout: true };
    const run: Promise<Settled> = (async () => {
      try {
        return { ok: true as const, value: await impl(params) };
      } catch (error) {
        return { ok: false as const, error };
      }
    })();
    const timer = idle(limit).then((): Settled => ({ timeout: true }));
    if (!blocking) {
      void run;
      return sendJson(res, 202, { activationId });
    }
    const waited = await Promise.race([Promise.race([run, timer]), idle(wait).then(() => 'pending' as const)]);
    if (waited === 'pending') return sendJson(res, 202, { activationId });
    const record = (response: Record<string, unknown>) => ({
      activationId,
      namespace,
      name: action,
      version: '0.0.1',
      subject: 'test',
      start,
      end: Date.now(),
      duration: Date.now() - start,
      response,
      logs: [],
      annotations: [],
    });
    if ('timeout' in waited) {
      return sendJson(
        res,
        502,
        record({
          status: 'action developer error',
          statusCode: 2,
          success: false,
          result: { error: `The action exceeded its time limits of ${limit} milliseconds.` },
        }),
      );
    }
    if (!waited.ok) {
      const msg = waited.error instanceof Error ? waited.error.message : String(waited.error);
      return sendJson(
        res,
        502,
        record({
          status: 'action developer error',
          statusCode: 2,
          success: false,
          result: { error: `An error has occurred: ${msg}` },
        }),
      );
    }
    const value = waited.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return sendJson(
        res,
        502,
        record({
          status: 'action developer error',
          statusCode: 2,
          success: false,
          result: { error: 'The action did not produce a valid JSON response.' },
        }),
      );
    }
    if ('error' in value) {
      return sendJson(res, 502, record({ status: 'application error', statusCode: 1, success: false, result: value }));
    }
    return sendJson(res, 200, record({ status: 'success', statusCode: 0, success: true, result: value }));
  });

  return {
    url: srv.url,
    namespace,
    auth,
    invocations,
    /** register or replace an action, e.g. `define('product-backoffice/handler', main)` */
    define(name: string, impl: TestAction, timeLimitMs?: number) {
      actions.set(name, impl);
      if (timeLimitMs !== undefined) limits.set(name, timeLimitMs);
    },
    /** the env the `openwhisk` client (and aio-lib-state) read inside an action */
    env(): Record<string, string> {
      return { __OW_API_HOST: srv.url, __OW_API_KEY: auth, __OW_NAMESPACE: namespace };
    },
    close: srv.close,
  };
}

export type OpenWhiskServer = Awaited<ReturnType<typeof startOpenWhiskServer>>;
