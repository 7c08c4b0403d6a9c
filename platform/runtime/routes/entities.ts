/**
 * The OpenWhisk REST API's entities: the API root, namespaces, packages, actions (list and
 * get), and the empty trigger and rule lists `aio rt` asks for. Actions come from
 * app.config.yaml, so everything here is read-only.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformConfig } from '../../core/types';
import type { LocalRuntime } from '../runtime';
import { NOT_FOUND, runtimeError } from '../errors';
import { num, type RestGuard } from './request';

type Entry = Record<string, unknown>;

export interface EntityViews {
  packages(): Entry[];
  /** an action as OpenWhisk lists it (`details`: with parameters and web URL, as a get) */
  action(fullName: string, details: boolean): Entry | undefined;
}

export function entityViews(cfg: PlatformConfig, rt: LocalRuntime): EntityViews {
  const startedAt = Date.now();
  return {
    packages() {
      const names = [...new Set(rt.specList().map((s) => s.packageName))];
      return names.map((name) => ({
        name,
        namespace: cfg.namespace,
        version: '0.0.1',
        publish: false,
        binding: {},
        annotations: [],
        updated: startedAt,
      }));
    },
    action(fullName, details) {
      const s = rt.spec(fullName);
      if (!s) return undefined;
      const annotations: Array<{ key: string; value: unknown }> = [
        { key: 'exec', value: 'nodejs' },
        { key: 'web-export', value: s.web },
        { key: 'raw-http', value: s.rawHttp },
        { key: 'final', value: s.final },
      ];
      if (s.requireAdobeAuth) annotations.push({ key: 'require-adobe-auth', value: true });
      const e: Entry = {
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
    },
  };
}

export function registerEntityRoutes(
  app: FastifyInstance,
  cfg: PlatformConfig,
  rt: LocalRuntime,
  guard: RestGuard,
  views: EntityViews,
): void {
  app.get('/api/v1', async () => ({
    api_paths: ['/api/v1'],
    description: 'OpenWhisk API (local platform)',
    runtime: 'local',
  }));

  app.get('/api/v1/namespaces', async (req) => {
    guard.authorize(req);
    return [cfg.namespace];
  });

  app.get('/api/v1/namespaces/:ns/packages', async (req) => {
    guard.authorize(req);
    guard.requireNamespace((req.params as { ns: string }).ns);
    return views.packages();
  });
  app.get('/api/v1/namespaces/:ns/packages/:pkg', async (req) => {
    guard.authorize(req);
    const { ns, pkg } = req.params as { ns: string; pkg: string };
    const p = views.packages().find((x) => x.name === pkg);
    if (!guard.isOwnNamespace(ns) || !p) throw runtimeError(404, NOT_FOUND);
    return {
      ...p,
      parameters: [],
      actions: rt
        .specList()
        .filter((s) => s.packageName === pkg)
        .map((s) => ({ name: s.actionName, version: '0.0.1', annotations: [] })),
      feeds: [],
    };
  });
  // `aio rt activation logs` asks where logs are forwarded first; locally they stay in Runtime
  app.get('/runtime/namespaces/:ns/logForwarding', async (req) => {
    guard.authorize(req);
    return { adobe_io_runtime: {} };
  });
  for (const kind of ['triggers', 'rules']) {
    app.get(`/api/v1/namespaces/:ns/${kind}`, async (req) => {
      guard.authorize(req);
      return [];
    });
  }

  app.get('/api/v1/namespaces/:ns/actions', async (req) => {
    guard.authorize(req);
    guard.requireNamespace((req.params as { ns: string }).ns);
    const q = req.query as Record<string, string | undefined>;
    const all = rt.specList().map((s) => views.action(s.fullName, false) as Entry);
    if (q.count === 'true') return { actions: all.length };
    const skip = num(q.skip) ?? 0;
    const limit = num(q.limit) ?? 30;
    return all.slice(skip, limit > 0 ? skip + limit : undefined);
  });
}
