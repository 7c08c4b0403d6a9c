/**
 * A local Adobe Commerce REST server for the handler tests. It speaks the endpoints the
 * handlers call and CHECKS every request's OAuth 1.0a signature (HMAC-SHA256, recomputed
 * with `oauth-1.0a` from the method, the URL as received and the header's own oauth_*
 * parameters), or an IMS bearer token when configured with one. It stores what it receives
 * and can be scripted to answer any status, after any delay, for the next N calls.
 *
 *   POST   /rest/V1/products                     {product}        → product
 *   PUT    /rest/V1/products/{sku}               {product}        → product (404 if unknown)
 *   DELETE /rest/V1/products/{sku}                                → true (404 if unknown)
 *   POST   /rest/V1/customers                    {customer}       → customer with id (409 if email taken)
 *   PUT    /rest/V1/customers/{id}               {customer}       → customer
 *   DELETE /rest/V1/customers/{id}                                → true
 *   POST   /rest/V1/customerGroups               {group}          → group with id
 *   PUT    /rest/V1/customerGroups/{id}          {group}          → group
 *   DELETE /rest/V1/customerGroups/{id}                           → true
 *   POST   /rest/V1/orders/{id}/comments         {statusHistory}  → true
 *   POST   /rest/V1/order/{id}/ship              {items, ...}     → shipment id
 *   POST   /rest/V1/shipment                     {entity}         → shipment
 *   POST   /rest/V1/inventory/source-items       {sourceItems}    → []
 * Errors use Commerce's body shape `{message, parameters}`.
 */
import crypto from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { listen, readBody, ScriptedAnswer, sendJson, sleep } from './http-util';

export interface CommerceCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export function newCredentials(): CommerceCredentials {
  const r = () => crypto.randomBytes(16).toString('hex');
  return { consumerKey: r(), consumerSecret: r(), accessToken: r(), accessTokenSecret: r() };
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  auth: 'oauth1' | 'bearer' | 'none';
}

/** Parse `Authorization: OAuth k="v", ...` into its decoded parameters. */
export function parseOAuthHeader(h: string): Record<string, string> | undefined {
  if (!h.startsWith('OAuth ')) return undefined;
  const out: Record<string, string> = {};
  for (const m of h.slice(6).matchAll(/([\w.]+)="([^"]*)"/g))
    out[decodeURIComponent(m[1] as string)] = decodeURIComponent(m[2] as string);
  return out;
}

export async function startCommerceServer(opts: { credentials?: CommerceCredentials; bearerToken?: string } = {}) {
  const creds = opts.credentials ?? newCredentials();
  const oauth = new OAuth({
    consumer: { key: creds.consumerKey, secret: creds.consumerSecret },
    signature_method: 'HMAC-SHA256',
    hash_function: (base, key) => crypto.createHmac('sha256', key).update(base).digest('base64'),
  });
  const products = new Map<string, Record<string, unknown>>();
  const customers = new Map<number, Record<string, unknown>>();
  const groups = new Map<number, Record<string, unknown>>();
  const comments = new Map<number, Record<string, unknown>[]>();
  const shipments = new Map<number, Record<string, unknown>>();
  const sourceItems = new Map<string, Record<string, unknown>>();
  const requests: RecordedRequest[] = [];
  const rejected: { reason: string }[] = [];
  let script: ScriptedAnswer[] = [];
  let nextId = 100;
  const seenNonces = new Set<string>();

  let origin = '';
  const srv = await listen(async (req, res) => {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const text = await readBody(req);
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return sendJson(res, 400, { message: 'Decoding error: malformed JSON' });
      }
    }

    // --- authentication
    const header = req.headers.authorization ?? '';
    let auth: RecordedRequest['auth'];
    const params = parseOAuthHeader(header);
    if (params) {
      const { oauth_signature: signature, ...oauthData } = params;
      const expected = oauth.getSignature(
        { url: origin + rawUrl, method },
        creds.accessTokenSecret,
        oauthData as unknown as OAuth.Data,
      );
      const ok =
        params.oauth_consumer_key === creds.consumerKey &&
        params.oauth_token === creds.accessToken &&
        params.oauth_signature_method === 'HMAC-SHA256' &&
        typeof signature === 'string' &&
        signature === expected &&
        !seenNonces.has(`${params.oauth_nonce}:${params.oauth_timestamp}`);
      if (!ok) {
        rejected.push({ reason: 'bad oauth1 signature' });
        return sendJson(res, 401, {
          message: "The consumer isn't authorized to access %resources.",
          parameters: { resources: 'Magento_Catalog::products' },
        });
      }
      seenNonces.add(`${params.oauth_nonce}:${params.oauth_timestamp}`);
      auth = 'oauth1';
    } else if (opts.bearerToken !== undefined && header === `Bearer ${opts.bearerToken}`) {
      auth = 'bearer';
    } else {
      rejected.push({ reason: 'no credentials' });
      return sendJson(res, 401, {
        message: "The consumer isn't authorized to access %resources.",
        parameters: { resources: 'self' },
      });
    }

    const path = new URL(rawUrl, 'http://x').pathname.replace(/^\/rest\//, '');
    requests.push({ method, path, body, auth });

    // --- scripted answers (the propagation matrix)
    const s = script[0];
    if (s) {
      s.times = (s.times ?? 1) - 1;
      if (s.times <= 0) script.shift();
      if (s.delayMs) await sleep(s.delayMs);
      if (s.destroy) return req.socket.destroy();
      return sendJson(res, s.status, s.body ?? { message: `scripted ${s.status}` }, s.headers);
    }

    const b = (body ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const seg = path.split('/').map(decodeURIComponent);
    const notFound = (what: string, id: string) =>
      sendJson(res, 404, {
        message: `The ${what} with the "%1" ID doesn't exist. Verify the ID and try again.`,
        parameters: [id],
      });

    // --- routes
    if (seg[0] !== 'V1') return sendJson(res, 404, { message: 'Request does not match any route.' });
    const [, r1, r2, r3] = seg;
    if (r1 === 'products' && method === 'POST' && r2 === undefined) {
      const p = b.product;
      if (!p || typeof p.sku !== 'string')
        return sendJson(res, 400, {
          message: '"%fieldName" is required. Enter and try again.',
          parameters: { fieldName: 'sku' },
        });
      const saved = { id: products.get(p.sku)?.id ?? nextId++, ...products.get(p.sku), ...p };
      products.set(p.sku, saved);
      return sendJson(res, 200, saved);
    }
    if (r1 === 'products' && r2 !== undefined && r3 === undefined) {
      const cur = products.get(r2);
      if (method === 'PUT') {
        if (!cur)
          return sendJson(res, 404, {
            message: "The product that was requested doesn't exist. Verify the product and try again.",
          });
        const saved = { ...cur, ...(b.product ?? {}), sku: r2 };
        products.set(r2, saved);
        return sendJson(res, 200, saved);
      }
      if (method === 'DELETE') {
        if (!cur)
          return sendJson(res, 404, {
            message: "The product that was requested doesn't exist. Verify the product and try again.",
          });
        products.delete(r2);
        return sendJson(res, 200, true);
      }
      if (method === 'GET') return cur ? sendJson(res, 200, cur) : notFound('product', r2);
    }
    if (r1 === 'customers' && method === 'POST' && r2 === undefined) {
      const c = b.customer;
      if (!c || typeof c.email !== 'string')
        return sendJson(res, 400, {
          message: '"%fieldName" is required. Enter and try again.',
          parameters: { fieldName: 'email' },
        });
      if ([...customers.values()].some((x) => x.email === c.email))
        return sendJson(res, 409, {
          message: 'A customer with the same email address already exists in an associated website.',
        });
      const saved = { ...c, id: nextId++ };
      customers.set(saved.id, saved);
      return sendJson(res, 200, saved);
    }
    if (r1 === 'customers' && r2 !== undefined && r3 === undefined) {
      const id = Number(r2);
      const cur = customers.get(id);
      if (!cur) return notFound('customer', r2);
      if (method === 'PUT') {
        const saved = { ...cur, ...(b.customer ?? {}), id };
        customers.set(id, saved);
        return sendJson(res, 200, saved);
      }
      if (method === 'DELETE') {
        customers.delete(id);
        return sendJson(res, 200, true);
      }
    }
    if (r1 === 'customerGroups' && method === 'POST' && r2 === undefined) {
      const g = b.group;
      if (!g || typeof g.code !== 'string')
        return sendJson(res, 400, {
          message: '"%fieldName" is required. Enter and try again.',
          parameters: { fieldName: 'code' },
        });
      const saved = { ...g, id: nextId++ };
      groups.set(saved.id, saved);
      return sendJson(res, 200, saved);
    }
    if (r1 === 'customerGroups' && r2 !== undefined && r3 === undefined) {
      const id = Number(r2);
      const cur = groups.get(id);
      if (!cur) return notFound('customer group', r2);
      if (method === 'PUT') {
        const saved = { ...cur, ...(b.group ?? {}), id };
        groups.set(id, saved);
        return sendJson(res, 200, saved);
      }
      if (method === 'DELETE') {
        groups.delete(id);
        return sendJson(res, 200, true);
      }
    }
    if (r1 === 'orders' && r3 === 'comments' && method === 'POST') {
      const id = Number(r2);
      comments.set(id, [...(comments.get(id) ?? []), b.statusHistory ?? {}]);
      return sendJson(res, 200, true);
    }
    if (r1 === 'order' && r3 === 'ship' && method === 'POST') {
      const sid = nextId++;
      shipments.set(sid, { entity_id: sid, order_id: Number(r2), ...(body as Record<string, unknown>) });
      return sendJson(res, 200, String(sid));
    }
    if (r1 === 'shipment' && r2 === undefined && method === 'POST') {
      const e = b.entity;
      if (!e || typeof e.entity_id !== 'number')
        return sendJson(res, 400, {
          message: '"%fieldName" is required. Enter and try again.',
          parameters: { fieldName: 'entity_id' },
        });
      shipments.set(e.entity_id, e);
      return sendJson(res, 200, e);
    }
    if (r1 === 'inventory' && r2 === 'source-items' && method === 'POST') {
      const items = (body as { sourceItems?: Record<string, unknown>[] } | null)?.sourceItems;
      if (!Array.isArray(items))
        return sendJson(res, 400, {
          message: '"%fieldName" is required. Enter and try again.',
          parameters: { fieldName: 'sourceItems' },
        });
      for (const i of items) sourceItems.set(`${String(i.sku)}@${String(i.source_code)}`, i);
      return sendJson(res, 200, []);
    }
    return sendJson(res, 404, { message: 'Request does not match any route.' });
  });
  origin = srv.url;

  return {
    /** COMMERCE_BASE_URL */
    baseUrl: `${srv.url}/rest/`,
    credentials: creds,
    /** the inputs a handler needs to reach this server with OAuth 1.0a */
    inputs(): Record<string, string> {
      return {
        COMMERCE_BASE_URL: `${srv.url}/rest/`,
        COMMERCE_CONSUMER_KEY: creds.consumerKey,
        COMMERCE_CONSUMER_SECRET: creds.consumerSecret,
        COMMERCE_ACCESS_TOKEN: creds.accessToken,
        COMMERCE_ACCESS_TOKEN_SECRET: creds.accessTokenSecret,
      };
    },
    products,
    customers,
    groups,
    comments,
    shipments,
    sourceItems,
    requests,
    rejected,
    /** the next matching request(s) get this answer */
    answer(a: ScriptedAnswer) {
      script.push({ ...a });
    },
    reset() {
      script = [];
      requests.length = 0;
      rejected.length = 0;
    },
    close: srv.close,
  };
}

export type CommerceServer = Awaited<ReturnType<typeof startCommerceServer>>;
