/**
 * A Commerce REST stand-in (and a tiny back-office API stand-in) for local runs.
 *
 * THIS IS NOT ADOBE COMMERCE. When the app leaves COMMERCE_BASE_URL unset, the platform
 * serves the Commerce REST endpoints the handlers use under `/commerce/rest/V1/...`
 * (products, customers, customer groups, order comments, shipments, source items, and the
 * eventing endpoints `commerce:subscribe` calls), stores what it receives in SQLite and
 * answers like Commerce, so the whole flow runs on one machine. Every response carries
 * `x-local-stand-in: commerce`.
 *
 * - Writes check OAuth 1.0a (HMAC-SHA256 or HMAC-SHA1; the consumer key/secret and access
 *   token/secret the app is configured with) or a bearer token issued by the platform's IMS.
 *   Reads from 127.0.0.1 need none, so `curl` shows what arrived.
 * - `POST /commerce/_control/fail {status, delayMs, count, reads?}` makes the next `count`
 *   writes (and reads with `reads: true`) answer `status` after `delayMs` (status 0 = only
 *   the delay), so users can watch retries.
 *
 * `/backoffice/...` is the same idea for the Commerce → back-office direction: any write
 * is stored and answered like a REST API; an `x-api-key` header is required (the value of
 * BACKOFFICE_API_KEY when set); GET returns what was stored at that path.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type BetterSqlite3 from 'better-sqlite3';
import OAuth from 'oauth-1.0a';
import type { PlatformContext, PlatformModule } from '../core/types';
import { migrate } from '../store/db';
import { isValidImsToken } from '../ims';

const STAND_IN_HEADER = 'x-local-stand-in';

type Json = Record<string, unknown>;

class CommerceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly parameters?: Json,
  ) {
    super(message);
  }
}

function isLoopback(ip: string | undefined): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

function obj(v: unknown, field: string): Json {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  throw new CommerceError(400, `"${field}" is required. Enter and try again.`, { fieldName: field });
}

/** Parse `Authorization: OAuth k="v", ...` */
export function parseOAuthHeader(h: string): Record<string, string> | undefined {
  if (!/^OAuth\s/i.test(h)) return undefined;
  const out: Record<string, string> = {};
  for (const m of h.slice(6).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    if (m[1] && m[2] !== undefined) out[m[1]] = decodeURIComponent(m[2]);
  }
  return out;
}

interface Failure {
  status: number;
  delayMs: number;
  count: number;
  /** also fail reads (by default only writes fail, so users can still look) */
  reads: boolean;
}

export interface CommerceModuleOptions {
  /** serve even when the app points COMMERCE_BASE_URL elsewhere (tests) */
  force?: boolean;
}

export function commerceModule(opts: CommerceModuleOptions = {}): PlatformModule {
  return {
    name: 'commerce',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      const userEnv = ctx.config.appEnv ?? {};
      const serveCommerce = opts.force || !userEnv.COMMERCE_BASE_URL;
      const serveBackoffice = opts.force || !userEnv.BACKOFFICE_BASE_URL;
      if (!serveCommerce && !serveBackoffice) return;
      migrate(ctx.db, 'commerce', [
        `CREATE TABLE cm_entities (kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (kind, key));
         CREATE TABLE cm_requests (id INTEGER PRIMARY KEY AUTOINCREMENT, system TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, body TEXT, status INTEGER NOT NULL, at INTEGER NOT NULL);
         CREATE TABLE cm_seq (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);`,
      ]);
      const db = ctx.db;
      const store = new Store(db);
      const failures: Record<string, Failure | undefined> = {};

      const env = () => ctx.config.env ?? {};
      const imsLoaded = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ims_tokens'").get() !== undefined;

      const checkCommerceAuth = (req: FastifyRequest): void => {
        const auth = String(req.headers.authorization ?? '');
        const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
        if (bearer?.[1]) {
          if (!imsLoaded() || isValidImsToken(db, bearer[1])) return;
          throw new CommerceError(401, 'The consumer isn\'t authorized to access %resources.', { resources: 'bearer token not issued by the platform IMS' });
        }
        const o = parseOAuthHeader(auth);
        if (!o) {
          if (req.method === 'GET' && isLoopback(req.socket.remoteAddress)) return;
          throw new CommerceError(401, 'The consumer isn\'t authorized to access %resources.', { resources: 'OAuth 1.0a or bearer authorization required' });
        }
        const e = env();
        const ck = e.COMMERCE_CONSUMER_KEY;
        const cs = e.COMMERCE_CONSUMER_SECRET;
        const at = e.COMMERCE_ACCESS_TOKEN;
        const ats = e.COMMERCE_ACCESS_TOKEN_SECRET;
        if (!ck || !cs || !at || !ats) throw new CommerceError(401, 'The stand-in has no COMMERCE_CONSUMER_KEY/SECRET and COMMERCE_ACCESS_TOKEN/SECRET to check against');
        if (o.oauth_consumer_key !== ck || o.oauth_token !== at) throw new CommerceError(401, 'The consumer isn\'t authorized to access %resources.', { resources: 'unknown consumer key or token' });
        const method = o.oauth_signature_method ?? 'HMAC-SHA256';
        const algo = method === 'HMAC-SHA1' ? 'sha1' : method === 'HMAC-SHA256' ? 'sha256' : undefined;
        if (!algo) throw new CommerceError(401, `unsupported oauth_signature_method ${method}`);
        const oauth = new OAuth({
          consumer: { key: ck, secret: cs },
          signature_method: method,
          hash_function: (text: string, key: string) => crypto.createHmac(algo, key).update(text).digest('base64'),
        });
        const { oauth_signature: sig, ...params } = o;
        const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url}`;
        const expected = oauth.getSignature({ url, method: req.method }, ats, params as unknown as OAuth.Data);
        const a = Buffer.from(expected);
        const b = Buffer.from(sig ?? '');
        if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
          throw new CommerceError(401, 'The signature is invalid. Verify and try again.');
        }
      };

      const control = (system: string) => async (req: FastifyRequest, reply: FastifyReply) => {
        const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Json;
        const f: Failure = { status: Number(b.status ?? 500), delayMs: Math.max(0, Number(b.delayMs ?? 0)), count: Math.max(0, Number(b.count ?? 1)), reads: b.reads === true };
        failures[system] = f.count > 0 ? f : undefined;
        ctx.log.info(`${system} stand-in: failure switch set`, { ...f });
        return reply.header(STAND_IN_HEADER, system).send({ [system]: 'stand-in', failNext: f });
      };

      /** wraps a handler: stand-in header, failure switch, request log, Commerce's error shape */
      const wrap =
        (system: 'commerce' | 'backoffice', write: boolean, fn: (req: FastifyRequest, p: Record<string, string>) => unknown) =>
        async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
          reply.header(STAND_IN_HEADER, system);
          const path = req.url.split('?')[0] ?? req.url;
          const log = (status: number) => {
            if (write) db.prepare('INSERT INTO cm_requests (system, method, path, body, status, at) VALUES (?, ?, ?, ?, ?, ?)').run(system, req.method, path, req.body === undefined ? null : JSON.stringify(req.body).slice(0, 65536), status, Date.now());
          };
          const f = failures[system];
          if (f && f.count > 0 && (write || f.reads)) {
            f.count--;
            if (f.count === 0) failures[system] = undefined;
            if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
            if (f.status >= 400) {
              log(f.status);
              return reply.code(f.status).send({ message: `${system} stand-in: failure injected by /${system}/_control/fail` });
            }
          }
          try {
            const out = fn(req, req.params as Record<string, string>);
            log(200);
            // Commerce answers scalars as JSON too (e.g. a shipment id is "12", true for deletes)
            return reply.code(200).type('application/json').send(JSON.stringify(out === undefined ? true : out));
          } catch (e) {
            if (e instanceof CommerceError) {
              log(e.status);
              return reply.code(e.status).send(e.parameters ? { message: e.message, parameters: e.parameters } : { message: e.message });
            }
            throw e;
          }
        };

      await app.register(async (scope) => {
        scope.removeContentTypeParser('application/json');
        scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
          const text = String(body);
          if (text.trim() === '') return done(null, undefined);
          try {
            done(null, JSON.parse(text) as unknown);
          } catch {
            done(Object.assign(new Error('Decoding error: the request body is not valid JSON'), { statusCode: 400 }), undefined);
          }
        });

        if (serveCommerce) {
          scope.post('/commerce/_control/fail', control('commerce'));
          const C = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, fn: (req: FastifyRequest, p: Record<string, string>) => unknown) => {
            const handler = wrap('commerce', method !== 'GET', (req, p) => {
              checkCommerceAuth(req);
              return fn(req, p);
            });
            // Commerce also accepts a store code before V1 (rest/default/V1, rest/all/V1)
            for (const prefix of ['/commerce/rest/V1', '/commerce/rest/:storeCode/V1']) scope.route({ method, url: `${prefix}${path}`, handler });
          };
          registerCommerceRoutes(C, store);
          ctx.log.info('Commerce stand-in (not Adobe Commerce) serving /commerce/rest/V1/...');
        }
        if (serveBackoffice) {
          scope.post('/backoffice/_control/fail', control('backoffice'));
          const bo = wrap('backoffice', true, (req) => {
            const key = String(req.headers['x-api-key'] ?? '');
            const expected = env().BACKOFFICE_API_KEY;
            if (!key || (expected && key !== expected)) throw new CommerceError(401, 'x-api-key header is required (BACKOFFICE_API_KEY when set)');
            const path = (req.url.split('?')[0] ?? '').replace(/^\/backoffice\/?/, '');
            const id = String(store.nextId('backoffice'));
            const body = (req.body ?? null) as unknown;
            store.put('backoffice', path, { path, method: req.method, body, receivedAt: new Date().toISOString() });
            store.put('backoffice-log', id, { id, path, method: req.method, body });
            return req.method === 'DELETE' ? { success: true } : { success: true, id, path };
          });
          const boGet = wrap('backoffice', false, (req) => {
            const key = String(req.headers['x-api-key'] ?? '');
            if (!isLoopback(req.socket.remoteAddress) && !key) throw new CommerceError(401, 'x-api-key header is required');
            const path = (req.url.split('?')[0] ?? '').replace(/^\/backoffice\/?/, '');
            if (path === '' || path === '_log') return { items: store.list('backoffice-log').reverse().slice(0, 200) };
            const rec = store.get('backoffice', path);
            if (!rec) throw new CommerceError(404, `nothing was stored at /backoffice/${path}`);
            return rec;
          });
          for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
            scope.route({ method, url: '/backoffice/*', handler: bo });
          }
          scope.get('/backoffice/*', boGet);
          scope.get('/backoffice', boGet);
        }
      });
    },
  };
}

/** Entities by kind and key, as JSON documents. */
class Store {
  private readonly getS: BetterSqlite3.Statement;
  private readonly putS: BetterSqlite3.Statement;
  private readonly delS: BetterSqlite3.Statement;
  private readonly listS: BetterSqlite3.Statement;
  private readonly seqS: BetterSqlite3.Statement;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.getS = db.prepare('SELECT body FROM cm_entities WHERE kind = ? AND key = ?');
    this.putS = db.prepare(
      'INSERT INTO cm_entities (kind, key, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
    );
    this.delS = db.prepare('DELETE FROM cm_entities WHERE kind = ? AND key = ?');
    this.listS = db.prepare('SELECT body FROM cm_entities WHERE kind = ? ORDER BY created_at, key');
    this.seqS = db.prepare('INSERT INTO cm_seq (kind, next) VALUES (?, 2) ON CONFLICT(kind) DO UPDATE SET next = next + 1 RETURNING next - 1 AS id');
  }

  get(kind: string, key: string): Json | undefined {
    const row = this.getS.get(kind, key) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Json) : undefined;
  }

  put(kind: string, key: string, body: Json): Json {
    const now = Date.now();
    this.putS.run(kind, key, JSON.stringify(body), now, now);
    return body;
  }

  delete(kind: string, key: string): boolean {
    return this.delS.run(kind, key).changes > 0;
  }

  list(kind: string): Json[] {
    return (this.listS.all(kind) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Json);
  }

  nextId(kind: string): number {
    return (this.seqS.get(kind) as { id: number }).id;
  }
}

type Route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, fn: (req: FastifyRequest, p: Record<string, string>) => unknown) => void;

const now = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

function registerCommerceRoutes(C: Route, store: Store): void {
  // ---------------------------------------------------------------- products
  const saveProduct = (input: Json, skuFromPath?: string): Json => {
    const sku = skuFromPath ?? (typeof input.sku === 'string' ? input.sku : undefined);
    if (!sku) throw new CommerceError(400, 'The "sku" attribute value is empty. Set the attribute and try again.', { fieldName: 'sku' });
    const existing = store.get('product', sku);
    const product: Json = {
      id: existing?.id ?? store.nextId('product'),
      attribute_set_id: 4,
      status: 1,
      visibility: 4,
      type_id: 'simple',
      created_at: existing?.created_at ?? now(),
      extension_attributes: {},
      custom_attributes: [],
      ...(existing ?? {}),
      ...input,
      sku,
      updated_at: now(),
    };
    return store.put('product', sku, product);
  };
  C('POST', '/products', (req) => saveProduct(obj(obj(req.body, 'product').product, 'product')));
  C('PUT', '/products/:sku', (req, p) => saveProduct(obj(obj(req.body, 'product').product, 'product'), p.sku));
  C('GET', '/products/:sku', (_req, p) => {
    const prod = store.get('product', p.sku ?? '');
    if (!prod) throw new CommerceError(404, "The product that was requested doesn't exist. Verify the product and try again.");
    return prod;
  });
  C('DELETE', '/products/:sku', (_req, p) => {
    if (!store.delete('product', p.sku ?? '')) throw new CommerceError(404, "The product that was requested doesn't exist. Verify the product and try again.");
    return true;
  });
  C('GET', '/products', () => {
    const items = store.list('product');
    return { items, search_criteria: { filter_groups: [] }, total_count: items.length };
  });

  // --------------------------------------------------------------- customers
  C('POST', '/customers', (req) => {
    const input = obj(obj(req.body, 'customer').customer, 'customer');
    if (typeof input.email !== 'string' || !input.email) throw new CommerceError(400, '"Email" is a required value.', { fieldName: 'email' });
    if (store.list('customer').some((c) => c.email === input.email)) {
      throw new CommerceError(400, 'A customer with the same email address already exists in an associated website.');
    }
    const id = store.nextId('customer');
    return store.put('customer', String(id), { id, group_id: 1, website_id: 1, store_id: 1, created_at: now(), ...input, updated_at: now() });
  });
  C('PUT', '/customers/:id', (req, p) => {
    const existing = store.get('customer', p.id ?? '');
    if (!existing) throw new CommerceError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'customerId', fieldValue: p.id });
    const input = obj(obj(req.body, 'customer').customer, 'customer');
    return store.put('customer', p.id ?? '', { ...existing, ...input, id: existing.id, updated_at: now() });
  });
  C('GET', '/customers/:id', (_req, p) => {
    const c = store.get('customer', p.id ?? '');
    if (!c) throw new CommerceError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'customerId', fieldValue: p.id });
    return c;
  });
  C('DELETE', '/customers/:id', (_req, p) => {
    if (!store.delete('customer', p.id ?? '')) throw new CommerceError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'customerId', fieldValue: p.id });
    return true;
  });

  // --------------------------------------------------------- customer groups
  C('POST', '/customerGroups', (req) => {
    const input = obj(obj(req.body, 'group').group, 'group');
    if (typeof input.code !== 'string' || !input.code) throw new CommerceError(400, '"code" is required. Enter and try again.', { fieldName: 'code' });
    if (store.list('customerGroup').some((g) => g.code === input.code)) throw new CommerceError(400, 'Customer Group already exists.');
    const id = store.nextId('customerGroup') + 3; // Commerce ships groups 0..3
    return store.put('customerGroup', String(id), { id, tax_class_id: 3, tax_class_name: 'Retail Customer', ...input });
  });
  C('PUT', '/customerGroups/:id', (req, p) => {
    const existing = store.get('customerGroup', p.id ?? '');
    if (!existing) throw new CommerceError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'id', fieldValue: p.id });
    const input = obj(obj(req.body, 'group').group, 'group');
    return store.put('customerGroup', p.id ?? '', { ...existing, ...input, id: existing.id });
  });
  C('GET', '/customerGroups/:id', (_req, p) => {
    const g = store.get('customerGroup', p.id ?? '');
    if (!g) throw new CommerceError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'id', fieldValue: p.id });
    return g;
  });
  C('DELETE', '/customerGroups/:id', (_req, p) => {
    if (!store.delete('customerGroup', p.id ?? '')) throw new CommerceError(404, 'No such entity with %fieldName = %fieldValue', { fieldName: 'id', fieldValue: p.id });
    return true;
  });

  // -------------------------------------------------------- orders, shipments
  const order = (id: string): Json => store.get('order', id) ?? { entity_id: Number(id) || id, increment_id: String(id).padStart(9, '0'), status: 'pending', status_histories: [], created_at: now() };
  C('POST', '/orders/:id/comments', (req, p) => {
    const history = obj(obj(req.body, 'statusHistory').statusHistory, 'statusHistory');
    const o = order(p.id ?? '');
    const histories = Array.isArray(o.status_histories) ? (o.status_histories as Json[]) : [];
    store.put('order', p.id ?? '', {
      ...o,
      status: typeof history.status === 'string' ? history.status : o.status,
      status_histories: [...histories, { ...history, parent_id: o.entity_id, created_at: now() }],
      updated_at: now(),
    });
    return true;
  });
  C('GET', '/orders/:id', (_req, p) => {
    const o = store.get('order', p.id ?? '');
    if (!o) throw new CommerceError(404, 'The entity that was requested doesn\'t exist. Verify the entity and try again.');
    return o;
  });
  C('POST', '/order/:id/ship', (req, p) => {
    const b = (req.body ?? {}) as Json;
    const id = store.nextId('shipment');
    store.put('shipment', String(id), { entity_id: id, order_id: Number(p.id) || p.id, items: b.items ?? [], tracks: b.tracks ?? [], comments: b.comment ? [b.comment] : [], created_at: now() });
    store.put('order', p.id ?? '', { ...order(p.id ?? ''), status: 'complete', updated_at: now() });
    return String(id);
  });
  C('POST', '/shipment', (req) => {
    const entity = obj(obj(req.body, 'entity').entity, 'entity');
    const id = entity.entity_id !== undefined ? String(entity.entity_id) : String(store.nextId('shipment'));
    const existing = store.get('shipment', id) ?? {};
    return store.put('shipment', id, { ...existing, ...entity, entity_id: Number(id), updated_at: now() });
  });
  C('GET', '/shipment/:id', (_req, p) => {
    const s = store.get('shipment', p.id ?? '');
    if (!s) throw new CommerceError(404, 'The entity that was requested doesn\'t exist. Verify the entity and try again.');
    return s;
  });

  // ------------------------------------------------------------- source items
  C('POST', '/inventory/source-items', (req) => {
    const items = obj(req.body, 'sourceItems').sourceItems;
    if (!Array.isArray(items)) throw new CommerceError(400, '"sourceItems" is required. Enter and try again.', { fieldName: 'sourceItems' });
    items.forEach((it, i) => {
      const item = obj(it, `sourceItems[${i}]`);
      if (typeof item.sku !== 'string' || typeof item.source_code !== 'string') {
        throw new CommerceError(400, `sourceItems[${i}] needs "sku" and "source_code"`, { fieldName: `sourceItems[${i}]` });
      }
      store.put('sourceItem', `${item.source_code}/${item.sku}`, { status: 1, quantity: 0, ...item });
    });
    return [];
  });
  C('GET', '/inventory/source-items', () => {
    const items = store.list('sourceItem');
    return { items, search_criteria: { filter_groups: [] }, total_count: items.length };
  });

  // ------------------------------------------------------------------ eventing
  C('POST', '/eventing/eventSubscribe', (req) => {
    const b = obj(req.body, 'event');
    const event = obj(b.event, 'event');
    if (typeof event.name !== 'string' || !event.name) throw new CommerceError(400, 'Event name is required', { fieldName: 'name' });
    if (store.get('subscription', event.name) && b.force !== true) {
      throw new CommerceError(400, `An event subscription with the same name already exists: ${event.name}. Use force to update it.`);
    }
    store.put('subscription', event.name, { fields: [], rules: [], destination: 'default', priority: false, hipaa_audit_required: false, ...event });
    return true;
  });
  C('PUT', '/eventing/eventSubscribe/:name', (req, p) => {
    const existing = store.get('subscription', p.name ?? '');
    if (!existing) throw new CommerceError(404, `The "${p.name}" event is not subscribed.`);
    const event = obj(obj(req.body, 'event').event, 'event');
    store.put('subscription', p.name ?? '', { ...existing, ...event, name: p.name });
    return true;
  });
  const unsubscribe = (_req: FastifyRequest, p: Record<string, string>) => {
    if (!store.delete('subscription', p.name ?? '')) throw new CommerceError(404, `The "${p.name}" event is not subscribed.`);
    return true;
  };
  C('DELETE', '/eventing/eventSubscribe/:name', unsubscribe);
  C('POST', '/eventing/eventUnsubscribe/:name', unsubscribe);
  C('GET', '/eventing/getEventSubscriptions', () => store.list('subscription'));
  C('PUT', '/eventing/updateConfiguration', (req) => {
    const config = obj(obj(req.body, 'config').config, 'config');
    store.put('eventingConfig', 'default', { ...(store.get('eventingConfig', 'default') ?? {}), ...config });
    return true;
  });
  C('GET', '/eventing/getConfiguration', () => store.get('eventingConfig', 'default') ?? { enabled: false });
  C('GET', '/eventing/eventProvider', () => store.list('eventProvider'));
  C('POST', '/eventing/eventProvider', (req) => {
    const provider = obj(obj(req.body, 'eventProvider').eventProvider, 'eventProvider');
    if (typeof provider.provider_id !== 'string' || !provider.provider_id) throw new CommerceError(400, 'provider_id is required', { fieldName: 'provider_id' });
    return store.put('eventProvider', provider.provider_id, { instance_id: '', label: '', description: '', ...provider, id: provider.provider_id });
  });
  C('DELETE', '/eventing/eventProvider/:id', (_req, p) => {
    if (!store.delete('eventProvider', p.id ?? '')) throw new CommerceError(404, `event provider ${p.id} not found`);
    return true;
  });
}
