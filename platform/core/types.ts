/**
 * The contract between the parts of the local platform.
 *
 * `platform/` is one process: an HTTP server (fastify) over one SQLite file. Each service
 * (runtime, state, ims, events, console, commerce stand-in) is a PlatformModule that
 * registers its routes on the shared server and keeps its tables in the shared database.
 * Modules talk to each other only through the interfaces below, never through each
 * other's internals, and nothing here imports from the app (`actions/`, `src/`).
 */
import type { FastifyInstance } from 'fastify';
import type BetterSqlite3 from 'better-sqlite3';
import type { DialectTable } from './errors';

export interface PlatformConfig {
  /** interface the server binds to; 127.0.0.1 unless told otherwise */
  host: string;
  /** port actually bound (after listen, a random port 0 is resolved) */
  port: number;
  /** e.g. http://127.0.0.1:3233; what actions and clients use to reach the platform */
  baseUrl: string;
  /** the app's root: where app.config.yaml and .env are */
  projectDir: string;
  /** where the SQLite file, generated keys and build output live */
  dataDir: string;
  /** OpenWhisk namespace, e.g. 1234567-localapp-stage */
  namespace: string;
  /** OpenWhisk key "uuid:key" (Basic auth of the REST API; also the State key) */
  auth: string;
  /** multiply every platform delay (retry schedule, blocking wait) by this; 1 = real time */
  timeScale: number;
  /** opt-in Adobe production caps: 600 activations/min, 100 concurrent, 1 MB payloads */
  productionLimits: boolean;
  /**
   * the app's environment: .env merged under process.env (process.env wins), with the local
   * defaults (platform/core/local-defaults.ts) filling the names the app leaves unset
   */
  env: Record<string, string>;
  /** .env merged under process.env, without local defaults (what the user configured) */
  appEnv?: Record<string, string>;
  /** the local defaults in effect (URLs on this platform, generated secrets, fixed ids) */
  localDefaults?: Record<string, string>;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** OpenWhisk activation record, as the REST API returns it. */
export interface ActivationRecord {
  activationId: string;
  namespace: string;
  /** action name without package, as OpenWhisk reports it */
  name: string;
  version: string;
  subject: string;
  start: number;
  end: number;
  duration: number;
  response: {
    status: 'success' | 'application error' | 'action developer error' | 'whisk internal error';
    statusCode: 0 | 1 | 2 | 3;
    success: boolean;
    result: Record<string, unknown>;
  };
  logs: string[];
  annotations: Array<{ key: string; value: unknown }>;
  /** the CloudEvent id this activation worked on (see InvokeOptions.eventId); local addition */
  eventId?: string;
}

export interface ActionInfo {
  /** "pkg/action" */
  fullName: string;
  packageName: string;
  actionName: string;
  web: boolean;
  rawHttp: boolean;
  webUrl?: string;
}

/** An HTTP request rendered as a web action call (what Adobe does for runtime-action registrations). */
export interface WebRequest {
  method: string;
  /** header names lower-cased */
  headers: Record<string, string>;
  body: string;
  /** raw query string without '?' */
  query?: string;
  path?: string;
}

export interface WebResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  activationId: string;
}

export interface InvokeOptions {
  /**
   * The CloudEvent id this activation works on, when known. Recorded on the activation so
   * that traces can show "the activations an event caused". When not given, the runtime
   * takes params.id if params look like a CloudEvent (string id, type and source).
   */
  eventId?: string;
}

/** What the runtime module offers the other modules. */
export interface Runtime {
  actions(): ActionInfo[];
  /** Invoke "pkg/action" and wait for it to finish (any duration, no 60 s cap). */
  invoke(fullName: string, params: Record<string, unknown>, opts?: InvokeOptions): Promise<ActivationRecord>;
  /** Invoke "pkg/action" as a web action would be, and render its result as HTTP. */
  invokeWeb(fullName: string, req: WebRequest, opts?: InvokeOptions): Promise<WebResponse>;
  /** Activations recorded for an event id (see InvokeOptions.eventId), oldest first. */
  activationsForEvent(eventId: string): ActivationRecord[];
  /** Activations newest first, filtered and paged by a cursor (what the console lists). */
  queryActivations(q: ActivationQuery): ActivationPage;
  /** One activation with the path ("pkg/action") it ran, or undefined (unknown or pruned). */
  activation(id: string): { path: string; record: ActivationRecord } | undefined;
}

export interface ActivationQuery {
  /** "pkg/action" */
  path?: string;
  /** action name without package */
  name?: string;
  /** OpenWhisk response status codes (0 success ... 3 whisk internal error) */
  statusCodes?: number[];
  eventId?: string;
  /** the `next` cursor of the previous page */
  before?: { start: number; seq: number };
  limit: number;
}

export interface ActivationPage {
  rows: Array<{ seq: number; path: string; record: ActivationRecord }>;
  /** cursor of the next (older) page, or null at the end */
  next: { start: number; seq: number } | null;
}

export interface PlatformContext {
  config: PlatformConfig;
  db: BetterSqlite3.Database;
  log: Logger;
  /** set once the runtime module registered; other modules use it lazily (at request time) */
  runtime: Runtime;
  /** modules may publish in-process notifications (e.g. 'delivery', 'activation') for live views */
  bus: import('node:events').EventEmitter;
  /** which error body shape each URL prefix speaks; a module registers its own once */
  errors: DialectTable;
  /** set by the IMS module when it is loaded: whether a bearer token was issued by it */
  ims?: ImsService;
  /** set by the events module when it is loaded: what the console asks of it */
  events?: EventsService;
  /**
   * environment added to every process the platform starts (action containers, the
   * post-app-deploy hook); set by the Adobe-host routing (platform/proxy) at registration
   */
  childEnv?: Record<string, string>;
}

/** What the IMS module offers the other modules. */
export interface ImsService {
  /** issued here, not expired, and issued to the client and org the platform accepts now */
  isValid(token: string): boolean;
  /** the client and org a valid token (as above) was issued to, or undefined */
  tokenInfo(token: string): ImsTokenInfo | undefined;
}

export interface ImsTokenInfo {
  clientId: string;
  orgId: string;
  expiresAt: number;
}

/** What the events module offers the other modules (the console). */
export interface EventsService {
  /** every event code a provider defines, sorted */
  eventCodes(): string[];
  /** the registrations' ids and names, sorted by name */
  registrations(): Array<{ registrationId: string; name: string }>;
  /** per event id: its latest attempt (the latest failed one while it is not delivered everywhere) */
  lastAttempts(eventIds: readonly string[]): Record<string, LastAttempt>;
  /**
   * Replay the failed (rejected, dead) deliveries of the chosen events, not the delivered
   * ones; throws a 404 PlatformError for an unknown registration.
   */
  replayFailed(filter: FailedReplayFilter): { events: number; deliveries: number };
  /**
   * Publish an event from a system the platform stands in for (the Commerce stand-in's
   * eventing) as the ingress would: stored durably with its deliveries (the promise resolves
   * once committed), a repeated id stored once. Throws a 400 PlatformError when no provider
   * defines the event code.
   */
  publish(event: InternalEvent): Promise<{ eventId: string; providerId: string; duplicate: boolean }>;
  /** the latest `limit` events whose entity id is `entity` (a sku, an email, ...), oldest first */
  eventsOfEntity(entity: string, limit: number): EntityEvent[];
}

export interface EntityEvent {
  eventId: string;
  /** the CloudEvent id (what activations are recorded under) */
  ceId: string;
  type: string;
  providerId: string;
  /** the provider's label, and its kind (`dx_commerce_events` for Commerce's) */
  provider: string | null;
  providerMetadata: string | null;
  status: string;
  receivedAt: number;
}

/** An event published from inside the platform (see EventsService.publish). */
export interface InternalEvent {
  /** the event code, e.g. com.adobe.commerce.observer.catalog_product_save_commit_after */
  type: string;
  data: unknown;
  /** the CloudEvent id; a new uuid when absent */
  id?: string | undefined;
  /** the provider to publish as, when it exists and defines the code */
  providerId?: string | undefined;
  /** else the first provider of this kind (e.g. dx_commerce_events) that defines the code, else any that does */
  providerMetadata?: string | undefined;
}

export interface LastAttempt {
  type: string;
  entityId: string | null;
  registration: string | null;
  attempt: number;
  outcome: string;
  responseStatus: number | null;
  error: string | null;
  at: number;
  durationMs: number;
}

/** Which failed deliveries to replay: of given event ids, or of the events matching the rest. */
export interface FailedReplayFilter {
  /** 'rejected', 'dead' or both */
  statuses: string[];
  /** registration_id or name */
  registration?: string | undefined;
  eventIds?: string[] | undefined;
  type?: string | undefined;
  entity?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

export interface PlatformModule {
  name: string;
  register(app: FastifyInstance, ctx: PlatformContext): void | Promise<void>;
  /** called after the server listens (start timers, schedulers) */
  start?(ctx: PlatformContext): void | Promise<void>;
  /** stop timers, flush; the database is closed after every module's close */
  close?(): void | Promise<void>;
}
