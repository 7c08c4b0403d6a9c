/**
 * The OpenWhisk REST API's entities as they are read: the API root, namespaces, packages,
 * actions (list and get, with `exec.code`), and the empty trigger and rule lists `aio rt` and
 * `aio app deploy` ask for. Actions come from app.config.yaml or were deployed through the
 * write API (routes/deploy.ts); a deployed action shadows an app.config.yaml one.
 */
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { PlatformConfig } from '../../core/types';
import type { LocalRuntime } from '../runtime';
import { NOT_FOUND, runtimeError } from '../errors';
import { num, type RestGuard } from './request';
import { NODE_KINDS } from './deploy-body';

type Entry = Record<string, unknown>;

export interface EntityViews {
  /** every package: deployed ones with their own record, app.config.yaml's as plain packages */
  packages(): Entry[];
  /** an action as OpenWhisk lists it (`details`: with parameters, web URL and, unless `code` is false, exec.code) */
  action(fullName: string, details: boolean, code?: boolean): Entry | undefined;
  /** the actions of one package, as listed */
  actionsOf(pkg: string): Entry[];
}

/** OpenWhisk stores an `exec` annotation with every action */
function withExecAnnotation(list: Array<{ key: string; value: unknown }>): Array<{ key: string; value: unknown }> {
  return list.some((a) => a.key === 'exec') ? list : [...list, { key: 'exec', value: 'nodejs' }];
}

function sourceCode(bundle: string): string {
  try {
    return fs.readFileSync(bundle, 'utf8');
  } catch {
    return '';
  }
}

export function entityViews(cfg: PlatformConfig, rt: LocalRuntime): EntityViews {
  const startedAt = Date.now();
  const views: EntityViews = {
    packages() {
      const deployed = new Map(rt.deployed.packages().map((p) => [p.name, p]));
      const names = new Set([...rt.specList().map((s) => s.packageName), ...deployed.keys()]);
      names.delete('default');
      return [...names].sort().map((name) => {
        const d = deployed.get(name);
        return {
          name,
          namespace: cfg.namespace,
          version: d?.version ?? '0.0.1',
          publish: d?.publish ?? false,
          binding: false,
          annotations: d?.annotations ?? [],
          updated: d?.updated ?? startedAt,
        };
      });
    },
    action(fullName, details, code = true) {
      const s = rt.spec(fullName);
      if (!s) return undefined;
      const d = rt.deployed.get(fullName)?.action;
      const annotations: Array<{ key: string; value: unknown }> = d
        ? withExecAnnotation(d.annotations)
        : [
            { key: 'exec', value: 'nodejs' },
            { key: 'web-export', value: s.web },
            { key: 'raw-http', value: s.rawHttp },
            { key: 'final', value: s.final },
            ...(s.requireAdobeAuth ? [{ key: 'require-adobe-auth', value: true }] : []),
          ];
      const exec: Entry = { kind: s.runtime, binary: d?.exec.binary ?? false };
      if (d?.exec.main) exec.main = d.exec.main;
      const e: Entry = {
        name: s.actionName,
        namespace: s.packageName === 'default' ? cfg.namespace : `${cfg.namespace}/${s.packageName}`,
        version: d?.version ?? '0.0.1',
        publish: d?.publish ?? false,
        exec,
        annotations,
        limits: {
          timeout: s.limits.timeout,
          memory: s.limits.memory,
          concurrency: s.limits.concurrency,
          logs: d?.limits.logs ?? 10,
        },
        updated: rt.builtAt(fullName),
      };
      if (details) {
        if (code) exec.code = d ? d.code : sourceCode(rt.bundleOf(fullName));
        e.parameters = Object.entries(rt.resolvedInputs(fullName)).map(([key, value]) => ({ key, value }));
        if (s.web) e.url = rt.webUrl(s);
      }
      return e;
    },
    actionsOf(pkg) {
      return rt
        .specList()
        .filter((s) => s.packageName === pkg)
        .map((s) => views.action(s.fullName, false) as Entry);
    },
  };
  return views;
}

/** `limit`/`skip` as OpenWhisk pages lists (limit 0: all) */
export function page<T>(all: T[], q: Record<string, string | undefined>): T[] {
  const skip = Math.max(0, num(q.skip) ?? 0);
  const limit = num(q.limit) ?? 30;
  return all.slice(skip, limit > 0 ? skip + limit : undefined);
}

export function registerEntityRoutes(
  app: FastifyInstance,
  cfg: PlatformConfig,
  rt: LocalRuntime,
  guard: RestGuard,
  views: EntityViews,
): void {
  // OpenWhisk's API host info: `aio app deploy` reads the supported kinds from `runtimes`
  app.get('/', async (req, reply) => {
    if (/text\/html/.test(req.headers.accept ?? '')) return reply.redirect('/console');
    return {
      description: 'OpenWhisk API (local Adobe I/O platform)',
      api_paths: ['/api/v1'],
      limits: { actions_per_minute: 600, concurrent_actions: 100, max_action_duration: 3_600_000 },
      runtimes: {
        nodejs: NODE_KINDS.map((kind) => ({ kind, deprecated: false, default: kind === 'nodejs:22' })),
      },
    };
  });

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
    const q = req.query as Record<string, string | undefined>;
    const all = views.packages();
    if (q.count === 'true') return { packages: all.length };
    return page(all, q);
  });
  app.get('/api/v1/namespaces/:ns/packages/:pkg', async (req) => {
    guard.authorize(req);
    const { ns, pkg } = req.params as { ns: string; pkg: string };
    const p = views.packages().find((x) => x.name === pkg);
    if (!guard.isOwnNamespace(ns) || !p) throw runtimeError(404, NOT_FOUND);
    const d = rt.deployed.packages().find((x) => x.name === pkg);
    return {
      ...p,
      binding: {},
      parameters: d?.parameters ?? [],
      actions: views.actionsOf(pkg).map((a) => ({ name: a.name, version: a.version, annotations: a.annotations })),
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
    return page(all, q);
  });
}
