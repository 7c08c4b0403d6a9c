/**
 * The local I/O Runtime: actions from app.config.yaml, built and run in warm worker pools,
 * activations recorded in SQLite. Implements the `Runtime` contract other modules use.
 */
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type {
  ActionInfo,
  ActivationPage,
  ActivationQuery,
  ActivationRecord,
  InvokeOptions,
  PlatformContext,
  Runtime,
  WebRequest,
  WebResponse,
} from '../core/types';
import { resolveInputs, type ActionSpec } from '../core/app-config';
import { ActionBuilder } from './build';
import { ActionPool, type PoolOptions, type RunOutcome } from './pool';
import { ActivationStore } from './activations';
import { NamespaceLimits, MAX_PAYLOAD_BYTES } from './limits';
import { renderWebResult, webParams } from './web';
import { PlatformError } from '../core/errors';
import { runtimeError } from './errors';
import { DeployedActions, type DeployedEntry } from './deployed';
import type { DeployedAction } from './deployments';
import { inMemoryHttpEnabled, platformAddress, type PlatformAddress } from './container-link';

const STATUS = {
  ok: { status: 'success', statusCode: 0 },
  error: { status: 'application error', statusCode: 1 },
  developer: { status: 'action developer error', statusCode: 2 },
  timeout: { status: 'action developer error', statusCode: 2 },
  crash: { status: 'action developer error', statusCode: 2 },
  init: { status: 'action developer error', statusCode: 2 },
} as const;

/** 32 hex characters like OpenWhisk's; randomUUID draws from a cached entropy pool (cheap) */
export function newActivationId(): string {
  const u = crypto.randomUUID();
  return u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24);
}

/** true when params look like a CloudEvent: string id, type and source */
function cloudEventId(params: Record<string, unknown>): string | undefined {
  return typeof params.id === 'string' && typeof params.type === 'string' && typeof params.source === 'string'
    ? params.id
    : undefined;
}

export interface RuntimeOptions {
  watch: boolean;
  maxWorkers?: number;
  idleMs?: number;
  /** the platform's HTTP server: containers reach it in memory (./container-link.ts) */
  server?: Server;
}

export class LocalRuntime implements Runtime {
  readonly store: ActivationStore;
  readonly deployed: DeployedActions;
  private specs = new Map<string, ActionSpec>();
  private inputs = new Map<string, Record<string, unknown>>();
  private pools = new Map<string, ActionPool>();
  private readonly builder: ActionBuilder;
  private readonly limits = new NamespaceLimits();
  private readonly maxWorkers: number;
  private readonly idleMs: number;
  private readonly platform: PlatformAddress | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    specs: ActionSpec[],
    private readonly opts: RuntimeOptions,
  ) {
    this.store = new ActivationStore(ctx.db);
    this.deployed = new DeployedActions(ctx.db, ctx.config.dataDir, ctx.log);
    for (const s of specs) {
      this.specs.set(s.fullName, s);
      this.inputs.set(s.fullName, resolveInputs(s.inputs, ctx.config.env));
    }
    // containers per action: enough to use the cores, bounded so that many actions stay light
    this.maxWorkers =
      opts.maxWorkers ?? Number(process.env.PLATFORM_MAX_WORKERS ?? Math.min(4, Math.max(2, os.cpus().length)));
    this.idleMs = opts.idleMs ?? Number(process.env.PLATFORM_WORKER_IDLE_MS ?? 120_000);
    this.platform =
      opts.server && inMemoryHttpEnabled(ctx.config.env)
        ? platformAddress(opts.server, ctx.config.baseUrl, ctx.config.host)
        : undefined;
    this.builder = new ActionBuilder(path.join(ctx.config.dataDir, 'build'), ctx.config.projectDir, ctx.log, (name) =>
      this.pools.get(name)?.recycle(),
    );
  }

  async build(): Promise<void> {
    await this.builder.buildAll([...this.specs.values()], this.opts.watch);
  }

  /** The action of that name: a deployed one first (it shadows app.config.yaml's), else app.config.yaml's. */
  spec(fullName: string): ActionSpec | undefined {
    return this.deployed.get(fullName)?.spec ?? this.specs.get(fullName);
  }

  specList(): ActionSpec[] {
    const out = [...this.specs.values()].filter((s) => !this.deployed.get(s.fullName));
    return [...out, ...this.deployed.list().map((d) => d.spec)].sort((a, b) => a.fullName.localeCompare(b.fullName));
  }

  /** true when the action comes from app.config.yaml (and no deployed action shadows it) */
  isFromSource(fullName: string): boolean {
    return !this.deployed.get(fullName) && this.specs.has(fullName);
  }

  /** when the action's bundle was last built or deployed (epoch ms), 0 if never */
  builtAt(fullName: string): number {
    return this.deployed.get(fullName)?.action.updated ?? this.builder.built.get(fullName)?.builtAt ?? 0;
  }

  buildError(fullName: string): string | undefined {
    const d = this.deployed.get(fullName);
    return d ? d.error : this.builder.built.get(fullName)?.error;
  }

  /** the module the action's workers require */
  bundleOf(fullName: string): string {
    return this.deployed.get(fullName)?.bundle ?? this.builder.built.get(fullName)?.bundle ?? '';
  }

  resolvedInputs(fullName: string): Record<string, unknown> {
    return this.deployed.get(fullName)?.spec.inputs ?? this.inputs.get(fullName) ?? {};
  }

  /** Store a deployed action and serve it: running activations end on the old code. */
  deployAction(a: DeployedAction): DeployedEntry {
    const entry = this.deployed.put(a);
    this.pools.get(entry.spec.fullName)?.recycle(this.poolOptions(entry.spec));
    return entry;
  }

  /** Remove a deployed action; an app.config.yaml action of the same name is served again. */
  async undeployAction(fullName: string): Promise<void> {
    this.deployed.delete(fullName);
    const pool = this.pools.get(fullName);
    this.pools.delete(fullName);
    await pool?.close();
  }

  private poolOptions(
    spec: ActionSpec,
  ): Pick<PoolOptions, 'bundle' | 'memoryMb' | 'concurrency' | 'main' | 'logLimitBytes'> {
    const d = this.deployed.get(spec.fullName);
    const logsMb = d ? d.action.limits.logs : ((spec.limits as { logs?: number }).logs ?? 10);
    return {
      bundle: this.bundleOf(spec.fullName),
      memoryMb: spec.limits.memory,
      concurrency: spec.limits.concurrency,
      logLimitBytes: logsMb * 1024 * 1024,
      ...(d?.action.exec.main ? { main: d.action.exec.main } : {}),
    };
  }

  webUrl(spec: ActionSpec): string {
    return `${this.ctx.config.baseUrl}/api/v1/web/${this.ctx.config.namespace}/${spec.packageName}/${spec.actionName}`;
  }

  actions(): ActionInfo[] {
    return this.specList().map((s) => ({
      fullName: s.fullName,
      packageName: s.packageName,
      actionName: s.actionName,
      web: s.web,
      rawHttp: s.rawHttp,
      ...(s.web ? { webUrl: this.webUrl(s) } : {}),
    }));
  }

  private pool(spec: ActionSpec): ActionPool {
    let p = this.pools.get(spec.fullName);
    if (!p) {
      const c = this.ctx.config;
      p = new ActionPool({
        name: spec.fullName,
        ...this.poolOptions(spec),
        env: {
          // read at module load by aio-lib-state and the openwhisk client
          AIO_STATE_ENDPOINT: c.baseUrl,
          __OW_API_HOST: c.baseUrl,
          __OW_API_KEY: c.auth,
          __OW_NAMESPACE: c.namespace,
          ...this.ctx.childEnv,
        },
        maxWorkers: this.maxWorkers,
        idleMs: this.idleMs,
        ...(this.platform ? { platform: this.platform } : {}),
      });
      this.pools.set(spec.fullName, p);
    }
    return p;
  }

  /** Run one activation; record it; throws only a PlatformError (a limit hit, an unknown action). */
  async run(
    fullName: string,
    params: Record<string, unknown>,
    opts: InvokeOptions & { activationId?: string; merged?: boolean } = {},
  ): Promise<ActivationRecord> {
    const spec = this.spec(fullName);
    if (!spec) throw runtimeError(404, `The requested resource does not exist: action ${fullName}.`);
    const c = this.ctx.config;
    if (c.productionLimits) this.limits.acquire();
    const activationId = opts.activationId ?? newActivationId();
    const start = Date.now();
    const allParams = opts.merged ? params : { ...this.resolvedInputs(fullName), ...params };
    const eventId = opts.eventId ?? cloudEventId(params);
    let outcome: RunOutcome;
    try {
      const buildError = this.buildError(fullName);
      if (buildError) {
        outcome = {
          kind: 'init',
          result: JSON.stringify({ error: `The action failed to build: ${buildError}` }),
          logs: [],
        };
      } else {
        outcome = await this.pool(spec).run(
          activationId,
          allParams,
          {
            __OW_ACTION_NAME: `/${c.namespace}/${fullName}`,
            __OW_ACTIVATION_ID: activationId,
            __OW_DEADLINE: String(start + spec.limits.timeout),
            __OW_API_HOST: c.baseUrl,
            __OW_API_KEY: c.auth,
            __OW_NAMESPACE: c.namespace,
          },
          spec.limits.timeout,
        );
      }
    } finally {
      if (c.productionLimits) this.limits.release();
    }
    if (c.productionLimits && outcome.kind === 'ok' && Buffer.byteLength(outcome.result) > MAX_PAYLOAD_BYTES) {
      outcome = {
        kind: 'developer',
        result: JSON.stringify({
          error: `The action produced a response that exceeded the allowed length: ${Buffer.byteLength(outcome.result)} > ${MAX_PAYLOAD_BYTES} bytes.`,
        }),
        logs: outcome.logs,
      };
    }
    const end = Date.now();
    const st = STATUS[outcome.kind];
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(outcome.result) as Record<string, unknown>;
    } catch {
      result = { error: 'The action produced an unreadable result.' };
    }
    const annotations: Array<{ key: string; value: unknown }> = [
      { key: 'path', value: `${c.namespace}/${fullName}` },
      { key: 'waitTime', value: 0 },
      { key: 'kind', value: spec.runtime },
      { key: 'timeout', value: outcome.kind === 'timeout' },
      { key: 'limits', value: { ...spec.limits, logs: (this.poolOptions(spec).logLimitBytes ?? 0) / 1048576 } },
    ];
    if (outcome.initTime !== undefined) annotations.push({ key: 'initTime', value: outcome.initTime });
    if (eventId) annotations.push({ key: 'eventId', value: eventId });
    const rec: ActivationRecord = {
      activationId,
      namespace: c.namespace,
      name: spec.actionName,
      version: '0.0.1',
      subject: c.namespace,
      start,
      end,
      duration: end - start,
      response: { status: st.status, statusCode: st.statusCode, success: st.statusCode === 0, result },
      logs: outcome.logs,
      annotations,
      ...(eventId ? { eventId } : {}),
    };
    this.store.add(rec, fullName);
    this.ctx.bus.emit('activation', rec);
    this.ctx.log.debug('activation', { action: fullName, activationId, status: st.status, ms: rec.duration });
    return rec;
  }

  invoke(fullName: string, params: Record<string, unknown>, opts?: InvokeOptions): Promise<ActivationRecord> {
    return this.run(fullName, params, opts);
  }

  /** Prepare a web activation's params; throws a PlatformError (400) for bad requests. */
  webParamsFor(spec: ActionSpec, req: WebRequest, bodyBuf?: Buffer): Record<string, unknown> {
    return webParams(req, this.resolvedInputs(spec.fullName), {
      rawHttp: spec.rawHttp,
      final: spec.final,
      ...(bodyBuf ? { bodyBuf } : {}),
    });
  }

  async invokeWeb(fullName: string, req: WebRequest, opts?: InvokeOptions): Promise<WebResponse> {
    const spec = this.spec(fullName);
    const activationId = newActivationId();
    const json = (statusCode: number, error: string): WebResponse => ({
      statusCode,
      headers: { 'content-type': 'application/json', 'x-openwhisk-activation-id': activationId },
      body: JSON.stringify({ error, code: activationId }),
      activationId,
    });
    // no web-export needed: this is how I/O Events delivers to a registration's runtime
    // action (through Adobe's web sequence), whether or not the action itself is a web action
    if (!spec) return json(404, 'The requested resource does not exist.');
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) lower[k.toLowerCase()] = v;
    const r: WebRequest = { ...req, headers: lower };
    if (this.ctx.config.productionLimits && Buffer.byteLength(r.body) > MAX_PAYLOAD_BYTES) {
      return json(
        413,
        `The request content was too large (${Buffer.byteLength(r.body)} > ${MAX_PAYLOAD_BYTES} bytes).`,
      );
    }
    if (spec.requireAdobeAuth && !/^Bearer\s+\S+/i.test(lower.authorization ?? '')) {
      return json(401, 'cannot authorize request, reason: missing authorization header');
    }
    // no HTTP reply here: the caller (event delivery) gets the refusal as a response object
    let rec: ActivationRecord;
    try {
      const params = this.webParamsFor(spec, r);
      rec = await this.run(fullName, params, {
        ...opts,
        activationId,
        merged: true,
        ...(opts?.eventId ? {} : cloudEventIdOpt(params)),
      });
    } catch (e) {
      if (e instanceof PlatformError) return json(e.status, e.message);
      throw e;
    }
    const out = renderWebResult(rec, 'http');
    return {
      statusCode: out.statusCode,
      headers: { ...out.headers, 'x-openwhisk-activation-id': activationId },
      body: typeof out.body === 'string' ? out.body : out.body.toString('base64'),
      activationId,
    };
  }

  queryActivations(q: ActivationQuery): ActivationPage {
    return this.store.query(q);
  }

  activation(id: string): { path: string; record: ActivationRecord } | undefined {
    return this.store.withPath(id);
  }

  activationsForEvent(eventId: string): ActivationRecord[] {
    return this.store.forEvent(eventId);
  }

  async close(): Promise<void> {
    await this.builder.close();
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
    this.store.close();
  }
}

function cloudEventIdOpt(params: Record<string, unknown>): InvokeOptions {
  const id = cloudEventId(params);
  return id ? { eventId: id } : {};
}
