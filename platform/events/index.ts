/**
 * The local Adobe I/O Events module: ingress (`POST /ingress`), management API
 * (`/events/...`), durable delivery with Adobe's retry policy, signatures, journal, and
 * the platform's own traces API (`/events/_local/...`). It owns the `ev_*` tables (every
 * statement in ./store.ts) and offers the console what it needs as `ctx.events`.
 *
 * Settings (module options, else the platform's env):
 * - PLATFORM_EVENTS_CONFIG: providers/registrations file applied at start (default: the
 *   project's events.config.json|yaml when present)
 * - PLATFORM_WEBHOOK_TIMEOUT_MS (10000), PLATFORM_ACTION_TIMEOUT_MS (60000)
 * - PLATFORM_EVENTS_VERIFY_WEBHOOKS (true): the `?challenge=` check of new webhook URLs
 * - PLATFORM_EVENTS_ENTITY_FIELDS: comma list of data fields indexed as the entity id
 * - PLATFORM_TRACE_MAX_ATTEMPTS (100000), PLATFORM_TRACE_MAX_AGE_DAYS (7): trace retention
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, PlatformError } from '../core/errors';
import { useJsonParser } from '../core/http';
import type { PlatformContext, PlatformModule } from '../core/types';
import { DEFAULT_ENTITY_FIELDS } from './entity';
import { DeliveryEngine } from './engine';
import { Hal } from './hal';
import { housekeeper } from './housekeeping';
import type { TokenCheck } from './ims-auth';
import { LocalViews } from './local-views';
import { MINUTE_MS } from './policy';
import { Providers, type Workspace } from './providers';
import { Registrations } from './registrations';
import type { EventsRouteDeps } from './routes/deps';
import { registerEventMetadata } from './routes/event-metadata';
import { registerIngress } from './routes/ingress';
import { registerJournal } from './routes/journal';
import { registerLocalEvents } from './routes/local/events';
import { registerPublicKeys } from './routes/local/keys';
import { registerLocalRegistrations } from './routes/local/registrations';
import { registerLocalReplay } from './routes/local/replay';
import { registerLocalStream } from './routes/local/stream';
import { registerProviders } from './routes/providers';
import { registerRegistrations } from './routes/registrations';
import { migrate } from './schema';
import { applyEventsConfig, loadEventsConfig } from './seed';
import { eventsService } from './service';
import { Signer } from './signing';
import { EventsStore } from './store';
import { verifyWebhook } from './verify-webhook';

export interface EventsModuleOptions {
  configFile?: string | undefined;
  webhookTimeoutMs?: number;
  actionTimeoutMs?: number;
  maxInFlight?: number;
  verifyWebhooks?: boolean;
  /** decides whether a bearer token was issued by the platform's IMS */
  tokenCheck?: TokenCheck;
  entityFields?: readonly string[];
  traceMaxAttempts?: number;
  traceMaxAgeMs?: number;
  eventMaxAgeMs?: number;
  /** window of the health rule in real ms (default: Adobe's 30 minutes × time scale) */
  healthWindowMs?: number;
  /** how often end dates are checked (default 1 s) */
  housekeepingMs?: number;
  /** how often retention runs (default 60 s) */
  retentionEveryMs?: number;
}

export const LOCAL_IDS = {
  consumerOrgId: '000000',
  projectId: 'local-project',
  workspaceId: 'local-workspace',
} as const;

export function localWorkspace(env: Record<string, string>): Workspace {
  return {
    orgId: env.IO_CONSUMER_ID || LOCAL_IDS.consumerOrgId,
    projectId: env.IO_PROJECT_ID || LOCAL_IDS.projectId,
    workspaceId: env.IO_WORKSPACE_ID || LOCAL_IDS.workspaceId,
  };
}

/** Handles the module hands to tests and to the CLI-less parts of the platform. */
export interface EventsHandle {
  providers: Providers;
  registrations: Registrations;
  engine: DeliveryEngine;
  signer: Signer;
  store: EventsStore;
}

const envNum = (env: Record<string, string>, name: string, dflt: number): number => {
  const v = Number(env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};

/**
 * Bearer tokens must come from the platform's IMS when that module is loaded (asked at
 * request time), issued to the client it accepts; the answer is that client id, which
 * `x-api-key` must equal. Without the IMS module (tests) any non-empty bearer is accepted.
 * A token found valid is remembered for a minute (the check is on every publish).
 */
function imsTokenCheck(ctx: PlatformContext): TokenCheck {
  const valid = new Map<string, { clientId: string; until: number }>();
  return (t) => {
    if (!ctx.ims) return true;
    const now = Date.now();
    const known = valid.get(t);
    if (known && known.until > now) return known.clientId;
    const info = ctx.ims.tokenInfo(t);
    if (!info) return false;
    if (valid.size > 10_000) valid.clear();
    valid.set(t, { clientId: info.clientId, until: Math.min(now + 60_000, info.expiresAt) });
    return info.clientId;
  };
}

/** the option, else the env, else the project's events.config.(json|yaml) when it has one */
function eventsConfigFile(ctx: PlatformContext, option: string | undefined): string | undefined {
  const env = ctx.config.env ?? {};
  const conventional = ['events.config.json', 'events.config.yaml', 'events.config.yml'].find((f) =>
    fs.existsSync(path.join(ctx.config.projectDir, f)),
  );
  // PLATFORM_EVENTS_CONFIG=none: apply no config file (the app's onboarding hook wires events)
  const fromEnv = env.PLATFORM_EVENTS_CONFIG === 'none' ? undefined : env.PLATFORM_EVENTS_CONFIG || conventional;
  const raw = option ?? fromEnv;
  return raw ? path.resolve(ctx.config.projectDir, raw) : undefined;
}

function createEngine(
  ctx: PlatformContext,
  opts: EventsModuleOptions,
  parts: { store: EventsStore; providers: Providers; registrations: Registrations; signer: Signer },
): DeliveryEngine {
  const env = ctx.config.env ?? {};
  const timeScale = ctx.config.timeScale > 0 ? ctx.config.timeScale : 1;
  return new DeliveryEngine({
    ...parts,
    log: ctx.log,
    bus: ctx.bus,
    runtime: () => ctx.runtime,
    timeScale,
    webhookTimeoutMs: opts.webhookTimeoutMs ?? envNum(env, 'PLATFORM_WEBHOOK_TIMEOUT_MS', 10_000),
    actionTimeoutMs: opts.actionTimeoutMs ?? envNum(env, 'PLATFORM_ACTION_TIMEOUT_MS', 60_000),
    maxInFlight: opts.maxInFlight ?? envNum(env, 'PLATFORM_EVENTS_MAX_IN_FLIGHT', 64),
    healthWindowMs: opts.healthWindowMs !== undefined ? opts.healthWindowMs / timeScale : 30 * MINUTE_MS,
    entityFields:
      opts.entityFields ??
      (env.PLATFORM_EVENTS_ENTITY_FIELDS
        ? env.PLATFORM_EVENTS_ENTITY_FIELDS.split(',').map((s) => s.trim())
        : DEFAULT_ENTITY_FIELDS),
    batchMaxEvents: 20,
    batchMaxBytes: 2 * 1024 * 1024,
  });
}

async function registerRoutes(app: FastifyInstance, deps: EventsRouteDeps & { views: LocalViews }): Promise<void> {
  await app.register(async (scope) => {
    // bad JSON gets a 400 naming the body; the ingress reads CloudEvents as text itself
    useJsonParser(scope, () => new PlatformError(400, 'invalid_body', 'the body is not valid JSON', { field: 'body' }));
    scope.addContentTypeParser(
      ['application/cloudevents+json', 'application/cloudevents-batch+json'],
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );
    registerIngress(scope, deps);
    registerProviders(scope, deps);
    registerEventMetadata(scope, deps);
    registerRegistrations(scope, deps);
    registerJournal(scope, deps);
    registerPublicKeys(scope, deps);
    registerLocalEvents(scope, deps);
    registerLocalReplay(scope, deps);
    registerLocalRegistrations(scope, deps);
    registerLocalStream(scope, deps);
  });
}

export function eventsModule(opts: EventsModuleOptions = {}): PlatformModule & { handle(): EventsHandle } {
  let handle: EventsHandle | undefined;
  let store: EventsStore | undefined;
  let housekeeping: NodeJS.Timeout | undefined;

  return {
    name: 'events',
    handle() {
      if (!handle) throw new Error('events module is not registered yet');
      return handle;
    },

    async register(app: FastifyInstance, ctx: PlatformContext) {
      const env = ctx.config.env ?? {};
      migrate(ctx.db);
      store = new EventsStore(ctx.db);
      const providers = new Providers(store);
      const registrations = new Registrations(store, providers, () => ctx.config.baseUrl);
      const signer = new Signer(store);
      const engine = createEngine(ctx, opts, { store, providers, registrations, signer });
      const hal = new Hal(providers, registrations, () => ctx.config.baseUrl);
      handle = { providers, registrations, engine, signer, store };
      ctx.events = eventsService(store, providers, engine, () => localWorkspace(env).orgId);
      ctx.errors.register('/events', DIALECTS.ioEvents);
      ctx.errors.register('/ingress', DIALECTS.ioEvents);

      const configFile = eventsConfigFile(ctx, opts.configFile);
      if (configFile) {
        const summary = applyEventsConfig(
          providers,
          registrations,
          loadEventsConfig(configFile),
          localWorkspace(env),
          env.OAUTH_CLIENT_ID || 'local-client',
          // the namespace the onboarding hook names providers after (cli/hook.ts passes it)
          env.AIO_runtime_namespace || ctx.config.namespace,
        );
        ctx.log.info('events: applied the events config', {
          file: configFile,
          created: summary.created.length,
          updated: summary.updated.length,
        });
      }
      const verify = opts.verifyWebhooks ?? env.PLATFORM_EVENTS_VERIFY_WEBHOOKS !== 'false';
      await registerRoutes(app, {
        store,
        providers,
        registrations,
        hal,
        engine,
        signer,
        bus: ctx.bus,
        auth: ctx.config.auth,
        ims: () => ctx.ims,
        baseUrl: () => ctx.config.baseUrl,
        timeScale: ctx.config.timeScale,
        runtime: () => ctx.runtime,
        tokenCheck: opts.tokenCheck ?? imsTokenCheck(ctx),
        verifyWebhook: verify ? verifyWebhook : async () => undefined,
        views: new LocalViews(store, registrations, hal),
      });
    },

    start(ctx: PlatformContext) {
      if (!handle || !store) return;
      handle.engine.start();
      const env = ctx.config.env ?? {};
      const maxAge = opts.traceMaxAgeMs ?? envNum(env, 'PLATFORM_TRACE_MAX_AGE_DAYS', 7) * 24 * 60 * MINUTE_MS;
      const pass = housekeeper({
        store,
        registrations: handle.registrations,
        engine: handle.engine,
        bus: ctx.bus,
        maxAttempts: opts.traceMaxAttempts ?? envNum(env, 'PLATFORM_TRACE_MAX_ATTEMPTS', 100_000),
        maxAge,
        eventMaxAge: opts.eventMaxAgeMs ?? maxAge,
        every: opts.retentionEveryMs ?? 60_000,
      });
      const tick = () => {
        try {
          pass();
        } catch (e) {
          ctx.log.warn('events: housekeeping failed', { error: (e as Error).message });
        }
      };
      housekeeping = setInterval(tick, opts.housekeepingMs ?? 1000);
      housekeeping.unref();
    },

    async close() {
      if (housekeeping) clearInterval(housekeeping);
      if (handle) await handle.engine.close();
    },
  };
}
