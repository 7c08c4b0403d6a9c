/**
 * STAND-IN for Adobe Commerce eventing (the Adobe I/O Events for Adobe Commerce module's
 * REST endpoints), so that `npm run commerce:subscribe` runs locally exactly as against a
 * Commerce instance. It stores subscriptions and the eventing configuration in its own
 * tables; it does not emit Commerce events.
 *
 * Endpoints under `{base}/commerce/rest/` (Adobe's paths, module 1.11+):
 * - `GET  V1/eventing/getEventSubscriptions`      → array of subscriptions
 * - `POST V1/eventing/eventSubscribe`             `{event: {name, parent?, fields, rules?,
 *                                                  destination?, priority?, hipaa_audit_required?,
 *                                                  provider_id?}, force?}` → true; an existing
 *                                                  name without `force` → 400
 * - `PUT  V1/eventing/eventSubscribe/{name}`      `{event: {...}}` → true (update)
 * - `POST V1/eventing/eventUnsubscribe/{name}`    → true; unknown name → 400
 * - `PUT  V1/eventing/updateConfiguration`        `{config: {...}}` → true
 * - `GET  V1/eventing/configuration`              local only: what updateConfiguration stored
 * Errors use Commerce's REST shape `{message, parameters?}`.
 *
 * Authentication as Commerce checks it: OAuth 1.0a integration tokens (the COMMERCE_CONSUMER_KEY
 * / _SECRET / COMMERCE_ACCESS_TOKEN / _SECRET the app is configured with, HMAC-SHA256 or
 * HMAC-SHA1 over method + URL) or a bearer token issued by the platform's IMS. Reads from
 * 127.0.0.1 need no credentials so users can look with curl.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import OAuth from 'oauth-1.0a';
import type { PlatformContext, PlatformModule } from '../core/types';
import { migrate } from '../store/db';

interface SubscriptionRow {
  name: string;
  body: string;
}

const PREFIX = '/commerce/rest/V1/eventing';

function commerceError(reply: FastifyReply, status: number, message: string, parameters?: Record<string, string>) {
  return reply.code(status).send(parameters ? { message, parameters } : { message });
}

/** Parse `Authorization: OAuth k="v", ...` */
export function parseOAuthHeader(header: string): Record<string, string> | undefined {
  if (!/^OAuth\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/gi)) out[m[1]!] = decodeURIComponent(m[2]!);
  return out;
}

function verifyOAuth1(req: FastifyRequest, url: string, env: Record<string, string>): boolean {
  const header = req.headers.authorization;
  const p = typeof header === 'string' ? parseOAuthHeader(header) : undefined;
  if (!p || !p.oauth_signature) return false;
  const { COMMERCE_CONSUMER_KEY: ck, COMMERCE_CONSUMER_SECRET: cs, COMMERCE_ACCESS_TOKEN: at, COMMERCE_ACCESS_TOKEN_SECRET: ats } = env;
  if (!ck || !cs || !at || !ats) return false;
  if (p.oauth_consumer_key !== ck || p.oauth_token !== at) return false;
  const method = p.oauth_signature_method === 'HMAC-SHA1' ? 'HMAC-SHA1' : 'HMAC-SHA256';
  const algo = method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const oauth = new OAuth({
    consumer: { key: ck, secret: cs },
    signature_method: method,
    hash_function: (base, key) => crypto.createHmac(algo, key).update(base).digest('base64'),
  });
  const { oauth_signature: given, ...data } = p;
  const expected = oauth.getSignature({ url, method: req.method }, ats, data as unknown as OAuth.Authorization);
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export interface CommerceEventingOptions {
  /** decides whether a bearer token was issued by the platform's IMS */
  isIssuedToken?(ctx: PlatformContext, token: string): boolean;
}

function defaultIsIssued(ctx: PlatformContext, token: string): boolean {
  try {
    const row = ctx.db.prepare('SELECT expires_at FROM ims_tokens WHERE token = ?').get(token) as { expires_at: number } | undefined;
    return !!row && row.expires_at > Date.now();
  } catch {
    return false; // no IMS module: bearer tokens are not accepted
  }
}

export function commerceEventingModule(opts: CommerceEventingOptions = {}): PlatformModule {
  return {
    name: 'commerce-eventing',
    register(app: FastifyInstance, ctx: PlatformContext) {
      migrate(ctx.db, 'commerce-eventing', [
        `CREATE TABLE IF NOT EXISTS commerce_event_subscriptions (name TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS commerce_eventing_config (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, updated_at INTEGER NOT NULL)`,
      ]);
      const list = ctx.db.prepare('SELECT name, body FROM commerce_event_subscriptions ORDER BY name');
      const get = ctx.db.prepare('SELECT name, body FROM commerce_event_subscriptions WHERE name = ?');
      const upsert = ctx.db.prepare(
        'INSERT INTO commerce_event_subscriptions (name, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
      );
      const del = ctx.db.prepare('DELETE FROM commerce_event_subscriptions WHERE name = ?');
      const putConfig = ctx.db.prepare(
        'INSERT INTO commerce_eventing_config (id, body, updated_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
      );
      const getConfig = ctx.db.prepare('SELECT body FROM commerce_eventing_config WHERE id = 1');
      const isIssued = opts.isIssuedToken ?? defaultIsIssued;

      const authorized = (req: FastifyRequest): boolean => {
        const local = req.ip === '127.0.0.1' || req.ip === '::1' || req.ip === '::ffff:127.0.0.1';
        if (req.method === 'GET' && local) return true;
        const auth = req.headers.authorization ?? '';
        if (/^Bearer\s+/i.test(auth)) return isIssued(ctx, auth.replace(/^Bearer\s+/i, '').trim());
        return verifyOAuth1(req, `${ctx.config.baseUrl}${req.url}`, ctx.config.env);
      };

      app.register(
        async (scope) => {
          // Commerce takes JSON; an empty body is an empty object (as PHP's webapi reads it)
          scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
            const text = typeof body === 'string' ? body : body.toString();
            if (!text.trim()) return done(null, {});
            try {
              done(null, JSON.parse(text) as unknown);
            } catch {
              const err = new Error('Decoding error: the request body is not valid JSON') as Error & { statusCode: number };
              err.statusCode = 400;
              done(err, undefined);
            }
          });
          scope.addHook('onRequest', async (req, reply) => {
            if (!authorized(req)) {
              ctx.log.info('commerce eventing: unauthorized', { method: req.method, url: req.url.split('?')[0] });
              return commerceError(reply, 401, 'The consumer isn\'t authorized to access %resources.', { resources: 'Magento_AdobeCommerceEventsClient::event_subscribe' });
            }
            return undefined;
          });

          const validate = (event: unknown): { ok: true; event: Record<string, unknown>; name: string } | { ok: false; message: string } => {
            if (!event || typeof event !== 'object' || Array.isArray(event)) return { ok: false, message: '"event" is required. Enter and try again.' };
            const e = event as Record<string, unknown>;
            if (typeof e.name !== 'string' || !e.name.trim()) return { ok: false, message: '"name" is required. Enter and try again.' };
            const name = e.name.trim();
            const parent = typeof e.parent === 'string' && e.parent ? e.parent : undefined;
            // Commerce requires observer./plugin. event names, unless the subscription is an alias with a parent
            if (!parent && !/^(observer|plugin)\./.test(name)) return { ok: false, message: `Event name "${name}" must start with "observer." or "plugin."` };
            if (parent && !/^(observer|plugin)\./.test(parent)) return { ok: false, message: `Parent event name "${parent}" must start with "observer." or "plugin."` };
            if (e.fields !== undefined && !Array.isArray(e.fields)) return { ok: false, message: '"fields" must be an array' };
            return { ok: true, event: e, name };
          };

          const stored = (e: Record<string, unknown>, name: string): Record<string, unknown> => ({
            name,
            parent: typeof e.parent === 'string' ? e.parent : '',
            fields: (Array.isArray(e.fields) ? e.fields : []).map((f: unknown) =>
              typeof f === 'string' ? { name: f } : f && typeof f === 'object' ? f : { name: String(f) },
            ),
            rules: Array.isArray(e.rules) ? e.rules : [],
            destination: typeof e.destination === 'string' && e.destination ? e.destination : 'default',
            priority: e.priority === true,
            hipaa_audit_required: e.hipaa_audit_required === true,
            provider_id: typeof e.provider_id === 'string' && e.provider_id ? e.provider_id : 'default',
          });

          scope.get(`${PREFIX}/getEventSubscriptions`, async () =>
            (list.all() as SubscriptionRow[]).map((r) => JSON.parse(r.body) as unknown),
          );

          scope.post(`${PREFIX}/eventSubscribe`, async (req, reply) => {
            const body = (req.body ?? {}) as { event?: unknown; force?: unknown };
            const v = validate(body.event);
            if (!v.ok) return commerceError(reply, 400, v.message);
            if (get.get(v.name) && body.force !== true) {
              return commerceError(reply, 400, `An event subscription with the name "${v.name}" already exists. Use "force" to replace it.`);
            }
            upsert.run(v.name, JSON.stringify(stored(v.event, v.name)), Date.now());
            return true;
          });

          scope.put<{ Params: { name: string } }>(`${PREFIX}/eventSubscribe/:name`, async (req, reply) => {
            const name = req.params.name;
            if (!get.get(name)) return commerceError(reply, 400, `The "${name}" event is not subscribed.`);
            const body = (req.body ?? {}) as { event?: unknown };
            const event = body.event && typeof body.event === 'object' ? { ...(body.event as Record<string, unknown>), name } : body.event;
            const v = validate(event);
            if (!v.ok) return commerceError(reply, 400, v.message);
            upsert.run(name, JSON.stringify(stored(v.event, name)), Date.now());
            return true;
          });

          scope.post<{ Params: { name: string } }>(`${PREFIX}/eventUnsubscribe/:name`, async (req, reply) => {
            const name = req.params.name;
            if (del.run(name).changes === 0) return commerceError(reply, 400, `The "${name}" event is not subscribed.`);
            return true;
          });

          scope.put(`${PREFIX}/updateConfiguration`, async (req, reply) => {
            const body = (req.body ?? {}) as { config?: unknown };
            if (!body.config || typeof body.config !== 'object') return commerceError(reply, 400, '"config" is required. Enter and try again.');
            const c = body.config as Record<string, unknown>;
            if (c.merchant_id !== undefined && (typeof c.merchant_id !== 'string' || !/^\w+$/.test(c.merchant_id))) {
              return commerceError(reply, 400, 'Merchant ID can contain only alphanumeric characters and underscores.');
            }
            putConfig.run(JSON.stringify(c), Date.now());
            return true;
          });

          scope.get(`${PREFIX}/configuration`, async () => {
            const row = getConfig.get() as { body: string } | undefined;
            return row ? (JSON.parse(row.body) as unknown) : {};
          });
        },
      );
    },
  };
}
