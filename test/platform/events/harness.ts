/**
 * A small platform for the events tests: fastify + a fresh SQLite file (WAL) in a temp dir
 * + a fake Runtime that runs in-process handlers as "web actions" and records activations.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { DialectTable } from '../../../platform/core/errors';
import { installErrorHandling } from '../../../platform/core/server';
import type {
  ActivationPage,
  ActivationRecord,
  ActionInfo,
  InvokeOptions,
  Logger,
  PlatformConfig,
  PlatformContext,
  PlatformModule,
  Runtime,
  WebRequest,
  WebResponse,
} from '../../../platform/core/types';

export type FakeAction = (
  params: Record<string, unknown>,
) => Promise<{ statusCode: number; body?: unknown }> | { statusCode: number; body?: unknown };

export class FakeRuntime implements Runtime {
  readonly handlers = new Map<string, FakeAction>();
  /** actions declared web: 'no' (delivered through invoke, as Adobe's web sequence does) */
  readonly nonWeb = new Set<string>();
  readonly calls: Array<{ fullName: string; params: Record<string, unknown>; eventId?: string | undefined }> = [];
  private readonly byEvent = new Map<string, ActivationRecord[]>();
  private n = 0;

  queryActivations(): ActivationPage {
    return { rows: [], next: null };
  }

  activation(): undefined {
    return undefined;
  }

  actions(): ActionInfo[] {
    return [...this.handlers.keys()].map((fullName) => {
      const [packageName = '', actionName = ''] = fullName.split('/');
      return { fullName, packageName, actionName, web: !this.nonWeb.has(fullName), rawHttp: false };
    });
  }

  async invoke(fullName: string, params: Record<string, unknown>, opts?: InvokeOptions): Promise<ActivationRecord> {
    const h = this.handlers.get(fullName);
    if (!h) throw new Error(`action ${fullName} not found`);
    this.calls.push({ fullName, params, eventId: opts?.eventId });
    const out = (await h(params)) as unknown as Record<string, unknown>;
    const failed = typeof out.error === 'object';
    const rec = this.record(
      fullName,
      { statusCode: 0, headers: {}, body: '', activationId: `act${++this.n}`.padEnd(32, '0') },
      opts?.eventId,
    );
    rec.response = {
      status: failed ? 'application error' : 'success',
      statusCode: failed ? 1 : 0,
      success: !failed,
      result: out,
    };
    return rec;
  }

  async invokeWeb(fullName: string, req: WebRequest, opts?: InvokeOptions): Promise<WebResponse> {
    const h = this.handlers.get(fullName);
    if (!h) throw Object.assign(new Error(`action ${fullName} not found`), { statusCode: 404 });
    const params: Record<string, unknown> = {
      ...(JSON.parse(req.body || '{}') as Record<string, unknown>),
      __ow_headers: req.headers,
      __ow_method: req.method.toLowerCase(),
    };
    this.calls.push({ fullName, params, eventId: opts?.eventId });
    const out = await h(params);
    const res: WebResponse = {
      statusCode: out.statusCode,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(out.body ?? {}),
      activationId: `act${++this.n}`.padEnd(32, '0'),
    };
    this.record(fullName, res, opts?.eventId);
    return res;
  }

  private record(fullName: string, res: WebResponse, eventId?: string): ActivationRecord {
    const rec: ActivationRecord = {
      activationId: res.activationId,
      namespace: 'test-ns',
      name: fullName.split('/')[1] ?? fullName,
      version: '0.0.1',
      subject: 'test',
      start: Date.now(),
      end: Date.now(),
      duration: 0,
      response: { status: 'success', statusCode: 0, success: true, result: { statusCode: res.statusCode } },
      logs: [],
      annotations: [{ key: 'path', value: fullName }],
    };
    if (eventId) this.byEvent.set(eventId, [...(this.byEvent.get(eventId) ?? []), rec]);
    return rec;
  }

  activationsForEvent(eventId: string): ActivationRecord[] {
    return this.byEvent.get(eventId) ?? [];
  }
}

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Harness {
  app: FastifyInstance;
  ctx: PlatformContext;
  base: string;
  runtime: FakeRuntime;
  dataDir: string;
  close(): Promise<void>;
}

export async function startHarness(
  modules: PlatformModule[],
  opts: { timeScale?: number; env?: Record<string, string>; dataDir?: string } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'events-test-'));
  const db = new Database(join(dataDir, 'platform.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const runtime = new FakeRuntime();
  const config: PlatformConfig = {
    host: '127.0.0.1',
    port: 0,
    baseUrl: '',
    projectDir: dataDir,
    dataDir,
    namespace: 'test-ns',
    auth: 'user:key',
    timeScale: opts.timeScale ?? 0.0001,
    productionLimits: false,
    env: opts.env ?? {},
  };
  const ctx: PlatformContext = {
    config,
    db,
    log: quietLogger,
    runtime,
    bus: new EventEmitter(),
    errors: new DialectTable(),
  };
  const app = Fastify({ logger: false });
  installErrorHandling(app, ctx);
  for (const m of modules) await m.register(app, ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  config.port = port;
  config.baseUrl = `http://127.0.0.1:${port}`;
  for (const m of modules) await m.start?.(ctx);
  return {
    app,
    ctx,
    base: config.baseUrl,
    runtime,
    dataDir,
    async close() {
      for (const m of modules) await m.close?.();
      await app.close();
      db.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A local webhook receiver whose answer each test decides. */
export interface Receiver {
  url: string;
  requests: Array<{ headers: IncomingMessage['headers']; body: string; at: number; url: string }>;
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startReceiver(handler?: Receiver['handler']): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    requests: [],
    handler:
      handler ??
      ((req, _body, res) => {
        const u = new URL(req.url ?? '/', 'http://x');
        const challenge = u.searchParams.get('challenge');
        res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge ?? 'ok');
      }),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://x');
      const challenge = u.searchParams.get('challenge');
      if (req.method === 'GET' && challenge) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
        return;
      }
      r.requests.push({ headers: req.headers, body, at: Date.now(), url: req.url ?? '/' });
      r.handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
