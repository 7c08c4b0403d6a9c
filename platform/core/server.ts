/**
 * Assemble the platform: config, logger, SQLite, one fastify server, the modules.
 */
import { EventEmitter } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PlatformConfig, PlatformContext, PlatformModule, Runtime } from './types';
import { resolveConfig, type ConfigOptions } from './config';
import { createLogger } from './logger';
import { openStore } from '../store/open';
import { isStoreFault, STORE_FAULT_RETRY_AFTER_S } from '../store/faults';
import { DialectTable, PlatformError, requestId } from './errors';
import { installReadiness, type Readiness } from './readiness';
import { DEFAULT_BODY_LIMIT_BYTES, fromFastifyError, installRequestGuards, requestTimeouts } from './guards';

export interface StartOptions extends ConfigOptions {
  modules?: PlatformModule[];
  quiet?: boolean;
  /**
   * Not ready (`/readyz` 503, the ingress and web actions 503 + retry-after) until
   * `markReady()`: `platform start` sets it while the app's post-app-deploy hook runs.
   * Default: ready as soon as the modules started.
   */
  awaitReady?: boolean;
}

export interface RunningPlatform {
  config: PlatformConfig;
  ctx: PlatformContext;
  url: string;
  /** the app's wiring is in place: accept events (see ./readiness.ts) */
  markReady(): void;
  close(): Promise<void>;
}

/** Until the runtime module registers, other modules must not call the runtime. */
const NO_RUNTIME: Runtime = {
  actions: () => [],
  invoke: () => Promise.reject(new Error('the runtime module is not loaded')),
  invokeWeb: () => Promise.reject(new Error('the runtime module is not loaded')),
  activationsForEvent: () => [],
  queryActivations: () => ({ rows: [], next: null }),
  activation: () => undefined,
};

export async function assemblePlatform(opts: StartOptions, modules: PlatformModule[]): Promise<RunningPlatform> {
  const config = await resolveConfig(opts);
  const log = createLogger({ quiet: opts.quiet ?? false });
  // one platform per data dir: a second one stops here, naming the owner
  const { db, lock } = openStore(config.dataDir, { port: config.port, url: config.baseUrl }, log);
  const bus = new EventEmitter();
  bus.setMaxListeners(100);
  const errors = new DialectTable();
  const ctx: PlatformContext = { config, db, log, runtime: NO_RUNTIME, bus, errors };

  const { requestTimeout, ...httpTimeouts } = requestTimeouts(config.env);
  const app = Fastify({
    logger: false,
    // read while receiving (413 before buffering more); web actions have their own 1 MB cap
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    requestTimeout,
    http: httpTimeouts,
    // aio-lib-state joins AIO_STATE_ENDPOINT and '/containers' with a slash of its own
    routerOptions: { ignoreDuplicateSlashes: true },
    forceCloseConnections: true,
    keepAliveTimeout: 65_000,
  });
  app.addHook('onResponse', (req, reply, done) => {
    const act = reply.getHeader('x-openwhisk-activation-id');
    log.info(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode}`, {
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(act ? { activation: String(act) } : {}),
    });
    done();
  });
  installErrorHandling(app, ctx);
  installRequestGuards(app, config);
  // after the guards: a request they refuse is refused whether or not the platform is ready
  const readiness: Readiness = { live: false, ready: false };
  installReadiness(app, readiness, config.namespace);

  const registered: PlatformModule[] = [];
  const closeAll = async (): Promise<void> => {
    await app.close().catch(() => undefined);
    for (const m of [...registered].reverse()) {
      try {
        await m.close?.();
      } catch (e) {
        log.warn('module close failed', { module: m.name, error: String(e) });
      }
    }
    try {
      db.close();
    } catch {
      /* already closed */
    }
    lock.release();
  };
  try {
    for (const m of modules) {
      registered.push(m);
      await m.register(app, ctx);
    }
    await app.listen({ port: config.port, host: config.host });
    for (const m of modules) await m.start?.(ctx);
  } catch (e) {
    await closeAll();
    throw e;
  }
  readiness.live = true;
  if (!opts.awaitReady) readiness.ready = true;
  let closing: Promise<void> | undefined;
  return {
    config,
    ctx,
    url: config.baseUrl,
    markReady: () => {
      readiness.ready = true;
    },
    close: () => (closing ??= closeAll()),
  };
}

/**
 * The one place errors become responses: a PlatformError in its surface's dialect, a store
 * fault as 503 + retry-after, anything else as OpenWhisk's opaque 500. Exported so that a
 * test harness assembling a few modules on its own server renders errors the same way.
 */
export function installErrorHandling(app: FastifyInstance, ctx: Pick<PlatformContext, 'errors' | 'log'>): void {
  const { errors, log } = ctx;
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({
      error: `The requested resource does not exist: ${req.method} ${req.url.split('?')[0]}`,
      code: requestId(),
    });
  });
  app.setErrorHandler((thrown: Error & { statusCode?: number }, req, reply) => {
    const err = fromFastifyError(thrown);
    if (isStoreFault(err)) {
      // the disk is full or read-only: the caller's request was fine and nothing was stored
      // by it; whatever route it reached, it may send again once the store writes again
      log.warn('request refused: the store cannot write', {
        method: req.method,
        url: req.url.split('?')[0],
        error: err.message,
      });
      void reply
        .code(503)
        .header('retry-after', String(STORE_FAULT_RETRY_AFTER_S))
        .send({
          error: `the store cannot write (${err.code}); send again later`,
          error_code: 'store_unavailable',
          code: requestId(),
        });
      return;
    }
    if (err instanceof PlatformError) {
      for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
      void reply.code(err.status).type('application/json').send(errors.forUrl(req.url)(err));
      return;
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500)
      log.error('request failed', { method: req.method, url: req.url.split('?')[0], error: err.message });
    void reply.code(status).send({ error: status >= 500 ? 'Internal server error.' : err.message, code: requestId() });
  });
}
