/**
 * A small real HTTP server speaking the parts of Adobe's protocols the webhook uses:
 * - IMS: `POST /ims/token/v3` (client credentials, form-encoded);
 * - I/O Events management: `GET /events/{consumerOrgId}/providers` (HAL list);
 * - I/O Events ingress: `POST /ingress` (`application/cloudevents+json`).
 * It checks credentials and headers like the real services, records what it received, and
 * can be told how to answer the next ingress calls (status, retry-after, delay, drop).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IngressRequest {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type IngressBehaviour =
  | { kind: 'ok'; status?: 200 | 204 }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

export interface FakeIoEventsOptions {
  clientId?: string;
  clientSecret?: string;
  orgId?: string;
  consumerId?: string;
  providers?: Array<{ id: string; label: string }>;
  tokenLifetimeSeconds?: number;
}

export class FakeIoEvents {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly orgId: string;
  readonly consumerId: string;
  providers: Array<{ id: string; label: string }>;
  readonly published: IngressRequest[] = [];
  tokenCalls = 0;
  providerCalls = 0;
  ingressCalls = 0;
  /** behaviours for the next ingress calls, consumed in order; then `ok` */
  readonly ingressQueue: IngressBehaviour[] = [];
  private readonly tokens = new Set<string>();
  private readonly server: http.Server;
  private readonly lifetime: number;
  baseUrl = '';

  constructor(opts: FakeIoEventsOptions = {}) {
    this.clientId = opts.clientId ?? 'test-client-id';
    this.clientSecret = opts.clientSecret ?? 'test-client-secret';
    this.orgId = opts.orgId ?? 'TESTORG@AdobeOrg';
    this.consumerId = opts.consumerId ?? '000000';
    this.providers = opts.providers ?? [{ id: 'b7c1a2f0-0000-4000-8000-0000000000b0', label: 'Backoffice Provider' }];
    this.lifetime = opts.tokenLifetimeSeconds ?? 86_399;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The webhook inputs that point at this server. */
  inputs(): Record<string, string> {
    return {
      OAUTH_CLIENT_ID: this.clientId,
      OAUTH_CLIENT_SECRET: this.clientSecret,
      OAUTH_ORG_ID: this.orgId,
      OAUTH_BASE_URL: `${this.baseUrl}/ims/token/`,
      IO_MANAGEMENT_BASE_URL: `${this.baseUrl}/events/`,
      IO_EVENTS_INGRESS_URL: `${this.baseUrl}/ingress`,
      IO_CONSUMER_ID: this.consumerId,
      IO_PROJECT_ID: 'test-project',
      IO_WORKSPACE_ID: 'test-workspace',
    };
  }

  reset(): void {
    this.published.length = 0;
    this.ingressQueue.length = 0;
    this.tokenCalls = 0;
    this.providerCalls = 0;
    this.ingressCalls = 0;
  }

  private json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private authorized(req: http.IncomingMessage): boolean {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    return (
      this.tokens.has(token) && req.headers['x-api-key'] === this.clientId && req.headers['x-ims-org-id'] === this.orgId
    );
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'POST' && url.pathname === '/ims/token/v3') {
      this.tokenCalls++;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || !form.get('scope')) {
        return this.json(res, 400, { error: 'invalid_request' });
      }
      if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
        return this.json(res, 401, { error: 'invalid_client' });
      }
      const token = `tok-${this.tokenCalls}-${Math.random().toString(36).slice(2)}`;
      this.tokens.add(token);
      return this.json(res, 200, { access_token: token, token_type: 'bearer', expires_in: this.lifetime });
    }
    const providersPath = /^\/events\/([^/]+)\/providers$/.exec(url.pathname);
    if (req.method === 'GET' && providersPath) {
      this.providerCalls++;
      if (!this.authorized(req))
        return this.json(res, 401, { error_code: '401013', message: 'Oauth token is not valid' });
      if (providersPath[1] !== this.consumerId) return this.json(res, 403, { message: 'not your org' });
      return this.json(res, 200, {
        _links: { self: { href: url.href } },
        _embedded: {
          providers: this.providers.map((p) => ({ ...p, source: `urn:uuid:${p.id}`, publisher: this.orgId })),
        },
      });
    }
    if (req.method === 'POST' && url.pathname === '/ingress') {
      this.ingressCalls++;
      const behaviour = this.ingressQueue.shift() ?? { kind: 'ok' };
      if (behaviour.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (behaviour.kind === 'delay') {
        setTimeout(() => {
          if (!res.writableEnded && !res.destroyed) {
            res.writeHead(200);
            res.end('OK');
          }
        }, behaviour.ms).unref();
        return;
      }
      if (!this.authorized(req)) return this.json(res, 401, { message: 'unauthorized' });
      if (req.headers['content-type'] !== 'application/cloudevents+json')
        return this.json(res, 415, { message: 'content type' });
      if (behaviour.kind === 'status') {
        return this.json(
          res,
          behaviour.status,
          { message: 'told so' },
          behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {},
        );
      }
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return this.json(res, 400, { message: 'not JSON' });
      }
      const known = this.providers.some((p) => event.source === `urn:uuid:${p.id}`);
      if (event.specversion !== '1.0' || typeof event.id !== 'string' || typeof event.type !== 'string' || !known) {
        return this.json(res, 400, { message: 'not a CloudEvent of a known provider' });
      }
      this.published.push({ headers: req.headers, body: event });
      if (behaviour.status === 204) {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
      return;
    }
    this.json(res, 404, { message: `no route ${req.method} ${url.pathname}` });
  }
}
