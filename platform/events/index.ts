/**
 * The local Adobe I/O Events module: ingress (`POST /ingress`), management API
 * (`/events/...`), durable delivery with Adobe's retry policy, signatures, journal, and
 * the platform's own traces API (`/events/_local/...`).
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
import type { PlatformContext, PlatformModule } from '../core/types';
import { Catalog, type Workspace } from './catalog';
import { DEFAULT_ENTITY_FIELDS } from './entity';
import { DeliveryEngine } from './engine';
import { ApiError, type TokenCheck } from './http';
import { isValidImsToken } from '../ims';
import { registerIngress } from './ingress';
import { registerJournal } from './journal';
import { pauseRegistration, registerLocalApi } from './local-api';
import { registerManagement } from './management';
import { MINUTE_MS } from './policy';
import { migrate } from './schema';
import { applyEventsConfig, loadEventsConfig } from './seed';
import { Signer } from './signing';

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

export const LOCAL_IDS = { consumerOrgId: '000000', projectId: 'local-project', workspaceId: 'local-workspace' } as const;

export function localWorkspace(env: Record<string, string>): Workspace {
  return {
    orgId: env.IO_CONSUMER_ID || LOCAL_IDS.consumerOrgId,
    projectId: env.IO_PROJECT_ID || LOCAL_IDS.projectId,
    workspaceId: env.IO_WORKSPACE_ID || LOCAL_IDS.workspaceId,
  };
}

/** Handles the module hands to tests and to the CLI-less parts of the platform. */
export interface EventsHandle {
  catalog: Catalog;
  engine: DeliveryEngine;
  signer: Signer;
}

export function eventsModule(opts: EventsModuleOptions = {}): PlatformModule & { handle(): EventsHandle } {
  let handle: EventsHandle | undefined;
  let housekeeping: NodeJS.Timeout | undefined;
  let ctxRef: PlatformContext | undefined;

  const envNum = (env: Record<string, string>, name: string, dflt: number): number => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
  };

  return {
    name: 'events',
    handle() {
      if (!handle) throw new Error('events module is not registered yet');
      return handle;
    },

    async register(app: FastifyInstance, ctx: PlatformContext) {
      ctxRef = ctx;
      const env = ctx.config.env ?? {};
      migrate(ctx.db);
      const catalog = new Catalog(ctx.db, () => ctx.config.baseUrl);
      // bearer tokens must come from the platform's IMS when that module is loaded
      const hasIms = () => ctx.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ims_tokens'").get() !== undefined;
      let imsLoaded: boolean | undefined;
      // a token found valid is remembered for a minute (the lookup is on every publish)
      const valid = new Map<string, number>();
      const tokenCheck: TokenCheck =
        opts.tokenCheck ??
        ((t) => {
          if (!(imsLoaded ??= hasIms())) return true;
          const now = Date.now();
          if ((valid.get(t) ?? 0) > now) return true;
          if (!isValidImsToken(ctx.db, t)) return false;
          if (valid.size > 10_000) valid.clear();
          valid.set(t, now + 60_000);
          return true;
        });
      const signer = new Signer(ctx.db);
      const entityFields = opts.entityFields ?? (env.PLATFORM_EVENTS_ENTITY_FIELDS ? env.PLATFORM_EVENTS_ENTITY_FIELDS.split(',').map((s) => s.trim()) : DEFAULT_ENTITY_FIELDS);
      const engine = new DeliveryEngine({
        db: ctx.db,
        catalog,
        signer,
        log: ctx.log,
        bus: ctx.bus,
        runtime: () => ctx.runtime,
        timeScale: ctx.config.timeScale > 0 ? ctx.config.timeScale : 1,
        webhookTimeoutMs: opts.webhookTimeoutMs ?? envNum(env, 'PLATFORM_WEBHOOK_TIMEOUT_MS', 10_000),
        actionTimeoutMs: opts.actionTimeoutMs ?? envNum(env, 'PLATFORM_ACTION_TIMEOUT_MS', 60_000),
        maxInFlight: opts.maxInFlight ?? envNum(env, 'PLATFORM_EVENTS_MAX_IN_FLIGHT', 64),
        healthWindowMs: opts.healthWindowMs !== undefined ? opts.healthWindowMs / (ctx.config.timeScale > 0 ? ctx.config.timeScale : 1) : 30 * MINUTE_MS,
        entityFields,
        batchMaxEvents: 20,
        batchMaxBytes: 2 * 1024 * 1024,
      });
      handle = { catalog, engine, signer };

      const verify = opts.verifyWebhooks ?? env.PLATFORM_EVENTS_VERIFY_WEBHOOKS !== 'false';
      const verifyWebhook = async (url: string): Promise<void> => {
        if (!verify) return;
        const challenge = Math.random().toString(36).slice(2);
        const u = new URL(url);
        u.searchParams.set('challenge', challenge);
        let text = '';
        let status = 0;
        try {
          const res = await fetch(u, { signal: AbortSignal.timeout(10_000), headers: { 'user-agent': 'Adobe I/O Events (local platform)' } });
          status = res.status;
          text = await res.text();
        } catch (e) {
          throw new ApiError(400, 'webhook_verification_failed', `webhook_url did not answer the challenge GET ${u.origin}${u.pathname}?challenge=…: ${(e as Error).message}`, 'webhook_url');
        }
        if (status < 200 || status >= 300 || !text.includes(challenge)) {
          throw new ApiError(400, 'webhook_verification_failed', `webhook_url must answer GET ?challenge=X with 200 and X in the body (got ${status})`, 'webhook_url');
        }
      };

      // the flag/env, else the project's events.config.(json|yaml) when it has one
      const conventional = ['events.config.json', 'events.config.yaml', 'events.config.yml'].find((f) => fs.existsSync(path.join(ctx.config.projectDir, f)));
      const configFileRaw = opts.configFile ?? (env.PLATFORM_EVENTS_CONFIG || conventional);
      const configFile = configFileRaw ? path.resolve(ctx.config.projectDir, configFileRaw) : undefined;
      if (configFile) {
        const summary = applyEventsConfig(catalog, loadEventsConfig(configFile), localWorkspace(env), env.OAUTH_CLIENT_ID || 'local-client');
        ctx.log.info('events: applied the events config', { file: configFile, created: summary.created.length, updated: summary.updated.length });
      }

      await app.register(async (scope) => {
        // the ingress reads the raw body itself so that bad JSON gets a 400 naming the field
        // Adobe's clients send `content-type: application/json` on DELETE with no body
        scope.removeContentTypeParser('application/json');
        scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
          const text = String(body);
          if (text.trim() === '') return done(null, undefined);
          try {
            done(null, JSON.parse(text) as unknown);
          } catch {
            done(Object.assign(new ApiError(400, 'invalid_body', 'the body is not valid JSON', 'body'), { statusCode: 400 }), undefined);
          }
        });
        scope.addContentTypeParser(['application/cloudevents+json', 'application/cloudevents-batch+json'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
        registerIngress(scope, { catalog, engine, tokenCheck });
        registerManagement(scope, { catalog, baseUrl: () => ctx.config.baseUrl, tokenCheck, verifyWebhook });
        registerJournal(scope, { db: ctx.db, catalog, timeScale: ctx.config.timeScale, tokenCheck, floor: () => journalFloor(ctx) });
        registerLocalApi(scope, { db: ctx.db, catalog, engine, signer, bus: ctx.bus, auth: ctx.config.auth, runtime: () => ctx.runtime });
      });
    },

    start(ctx: PlatformContext) {
      if (!handle) return;
      const h = handle;
      h.engine.start();
      const env = ctx.config.env ?? {};
      const maxAttempts = opts.traceMaxAttempts ?? envNum(env, 'PLATFORM_TRACE_MAX_ATTEMPTS', 100_000);
      const maxAge = opts.traceMaxAgeMs ?? envNum(env, 'PLATFORM_TRACE_MAX_AGE_DAYS', 7) * 24 * 60 * MINUTE_MS;
      const eventMaxAge = opts.eventMaxAgeMs ?? maxAge;
      const last = { retention: 0 };
      const tick = () => {
        try {
          housekeep(ctx, h, { maxAttempts, maxAge, eventMaxAge, every: opts.retentionEveryMs ?? 60_000, last });
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
      void ctxRef;
    },
  };
}

function journalFloor(ctx: PlatformContext): number {
  const row = ctx.db.prepare("SELECT value FROM ev_kv WHERE key = 'journal_floor'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/** End dates of temporary registrations, and retention of traces and events by count and age. */
function housekeep(ctx: PlatformContext, h: EventsHandle, r: { maxAttempts: number; maxAge: number; eventMaxAge: number; every: number; last: { retention: number } }): void {
  const now = Date.now();
  const ending = ctx.db.prepare('SELECT * FROM ev_registrations WHERE ends_at IS NOT NULL AND ends_at <= ? AND paused = 0').all(now) as import('./catalog').RegistrationRow[];
  for (const reg of ending) {
    pauseRegistration(ctx.db, h.catalog, h.engine, reg, 'end date reached');
    ctx.db.prepare('UPDATE ev_registrations SET ends_at = NULL WHERE id = ?').run(reg.id);
    ctx.bus.emit('registration', { registrationId: reg.registration_id, paused: true, reason: 'end date reached' });
  }
  if (now - r.last.retention < r.every) return;
  r.last.retention = now;
  const db = ctx.db;
  db.transaction(() => {
    const maxId = (db.prepare('SELECT MAX(id) AS m FROM ev_attempts').get() as { m: number | null }).m ?? 0;
    db.prepare('DELETE FROM ev_attempts WHERE id <= ?').run(maxId - r.maxAttempts);
    db.prepare('DELETE FROM ev_attempts WHERE started_at < ?').run(now - r.maxAge);
    // events whose deliveries are all settled, past their age
    const old = db
      .prepare(
        `SELECT seq FROM ev_events WHERE received_at < ? AND status IN ('delivered','rejected','dead','dropped','received')
         ORDER BY received_at LIMIT 10000`,
      )
      .all(now - r.eventMaxAge) as Array<{ seq: number }>;
    let floor = 0;
    for (const { seq } of old) {
      db.prepare('DELETE FROM ev_deliveries WHERE event_seq = ?').run(seq);
      db.prepare('DELETE FROM ev_journal WHERE event_seq = ?').run(seq);
      db.prepare('DELETE FROM ev_attempts WHERE event_seq = ?').run(seq);
      db.prepare('DELETE FROM ev_events WHERE seq = ?').run(seq);
      floor = Math.max(floor, seq);
    }
    if (floor > 0) {
      db.prepare("INSERT INTO ev_kv (key, value) VALUES ('journal_floor', ?) ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))").run(String(floor));
    }
  })();
}
