/**
 * fast-check generators of webhook requests that must all be refused with a 4xx: random
 * bytes, truncated and deeply nested JSON, wrong types, huge strings and arrays, unknown
 * events, missing uid, prototype-pollution keys, bad signatures, wrong content types and
 * methods. Each request says which statuses are acceptable for its kind, so a 400 where a
 * 401 was due fails too. Shared by the in-process run (`main(params)`) and the HTTP run.
 */
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { eventsOf, findEvent, type CatalogEntry } from '../../../src/catalog';
import { isTextContentType } from '../../../platform/runtime/web';

export const API_KEY = 'reliability-api-key-0123456789abcdef';
export const SECRET = `whsec_${Buffer.from('reliability suite signing secret').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('some other secret, not configured').toString('base64')}`;

export interface BadRequest {
  kind: string;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** statuses this kind may get */
  expect: readonly number[];
}

export const BACKOFFICE: readonly CatalogEntry[] = eventsOf({ direction: 'backoffice' });
const entryArb = fc.constantFrom(...BACKOFFICE);
const uidArb = fc.string({ minLength: 1, maxLength: 40 }).map((s) => `u-${s}`);

const BAD_INPUT = [400, 413] as const;

function envelope(entry: CatalogEntry, uid: string, value: unknown = entry.sample): { data: Record<string, unknown> } {
  return { data: { uid, event: entry.code, value } };
}

function jsonRequest(kind: string, body: string, expect: readonly number[] = [400]): BadRequest {
  return { kind, method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body, expect };
}

/** a JSON object with an own enumerable key that JS literals cannot spell (`__proto__`) */
function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(obj)) out[k] = v;
  return out;
}

const firstObject = (value: unknown): Record<string, unknown> | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
};

function requiredFields(entry: CatalogEntry): string[] {
  const s = entry.schema as { required?: string[]; items?: { required?: string[] } };
  return s.required ?? s.items?.required ?? [];
}

/** a value of another JSON type than `like` (never a valid stand-in for it) */
function wrongTypeOf(like: unknown): fc.Arbitrary<unknown> {
  const options: Array<fc.Arbitrary<unknown>> = [fc.constant(null)];
  if (!Array.isArray(like)) options.push(fc.array(fc.integer(), { maxLength: 3 }));
  if (like === null || typeof like !== 'object' || Array.isArray(like))
    options.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }));
  if (typeof like !== 'string') options.push(fc.string({ maxLength: 20 }));
  if (typeof like !== 'number') options.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (typeof like !== 'boolean') options.push(fc.boolean());
  return fc.oneof(...options);
}

const randomBytes = fc
  .tuple(
    fc.uint8Array({ maxLength: 4096 }),
    fc.constantFrom('application/json', 'application/octet-stream', 'text/plain', 'application/cloudevents+json'),
  )
  .map(([bytes, ct]): BadRequest => ({
    kind: 'random bytes',
    method: 'POST',
    headers: { 'content-type': ct, 'x-api-key': API_KEY },
    body: Buffer.from(bytes),
    expect: BAD_INPUT,
  }));

const randomText = fc.string({ maxLength: 2000, unit: 'binary' }).map((s): BadRequest => jsonRequest('random text', s));

const randomJson = fc.jsonValue({ maxDepth: 4 }).map((v) => jsonRequest('random JSON', JSON.stringify(v) ?? 'null'));

const truncated = fc
  .tuple(entryArb, uidArb, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }))
  .map(([entry, uid, at]) => {
    const full = JSON.stringify(envelope(entry, uid));
    return jsonRequest('truncated JSON', full.slice(0, Math.floor(at * full.length)));
  });

const deeplyNested = fc
  .tuple(
    entryArb,
    uidArb,
    fc.integer({ min: 65, max: 200_000 }),
    fc.constantFrom('[', '{"a":'),
    fc.constantFrom('root', 'data', 'value', 'extra field'),
  )
  .map(([entry, uid, depth, open, where]) => {
    const close = open === '[' ? ']' : '}';
    const deep = `${open.repeat(depth)}1${close.repeat(depth)}`;
    const base = JSON.stringify(envelope(entry, uid));
    let body: string;
    if (where === 'root') body = deep;
    else if (where === 'data') body = `{"data":${deep}}`;
    else if (where === 'value') body = JSON.stringify(envelope(entry, uid, '__DEEP__')).replace('"__DEEP__"', deep);
    else
      body = base
        .replace(/"value":\{/, `"value":{"nested":${deep},`)
        .replace(/"value":\[\{/, `"value":[{"nested":${deep},`);
    return jsonRequest('deeply nested JSON', body, BAD_INPUT);
  });

const wrongTypes = entryArb
  .chain((entry) => {
    const obj = firstObject(entry.sample);
    const fields = requiredFields(entry).filter((f) => obj && f in obj);
    const target = fc.constantFrom<string>('uid', 'event', 'value', ...fields.map((f) => `value.${f}`));
    return fc.tuple(fc.constant(entry), uidArb, target).chain(([e, uid, t]) => {
      if (t === 'uid')
        return fc
          .oneof(fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({}))
          .map((w) => ({ e, uid, t, w }));
      if (t === 'event') return wrongTypeOf('').map((w) => ({ e, uid, t, w }));
      if (t === 'value')
        return (
          Array.isArray(e.sample)
            ? fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.constant({}))
            : fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.boolean(), fc.constant([]))
        ).map((w) => ({ e, uid, t, w }));
      const field = t.slice('value.'.length);
      return wrongTypeOf(firstObject(e.sample)?.[field]).map((w) => ({ e, uid, t, w }));
    });
  })
  .map(({ e, uid, t, w }) => {
    const env = envelope(e, uid, structuredClone(e.sample));
    if (t === 'uid' || t === 'event' || t === 'value') env.data[t] = w;
    else {
      const obj = firstObject(env.data.value) as Record<string, unknown>;
      obj[t.slice('value.'.length)] = w;
    }
    return jsonRequest(`wrong type (${t})`, JSON.stringify(env));
  });

const productCreate = BACKOFFICE.find((e) => e.code === 'be-observer.catalog_product_create') as CatalogEntry;
const stockUpdate = BACKOFFICE.find((e) => e.code === 'be-observer.catalog_stock_update') as CatalogEntry;

const hugeStrings = fc
  .tuple(
    fc.constantFrom('uid', 'event', 'sku', 'name', 'body over 1 MB'),
    fc.integer({ min: 300, max: 200_000 }),
    uidArb,
  )
  .map(([where, n, uid]) => {
    const huge = 'x'.repeat(n);
    const value = { ...(productCreate.sample as Record<string, unknown>) };
    if (where === 'uid')
      return jsonRequest(
        'huge string (uid)',
        JSON.stringify({ data: { uid: huge, event: productCreate.code, value } }),
      );
    if (where === 'event')
      return jsonRequest('huge string (event)', JSON.stringify({ data: { uid, event: huge, value } }));
    if (where === 'body over 1 MB') {
      value.description = 'y'.repeat(1024 * 1024 + n);
      return jsonRequest('huge string (body over 1 MB)', JSON.stringify(envelope(productCreate, uid, value)), [413]);
    }
    value[where] = huge;
    return jsonRequest(`huge string (${where})`, JSON.stringify(envelope(productCreate, uid, value)));
  });

const hugeArrays = fc
  .tuple(fc.integer({ min: 1001, max: 20_000 }), fc.constantFrom('stock items', 'data', 'value of a product'), uidArb)
  .map(([n, where, uid]) => {
    const item = (stockUpdate.sample as unknown[])[0];
    if (where === 'stock items')
      return jsonRequest(
        'huge array (stock items)',
        JSON.stringify(
          envelope(
            stockUpdate,
            uid,
            Array.from({ length: n }, () => item),
          ),
        ),
        BAD_INPUT,
      );
    if (where === 'data')
      return jsonRequest(
        'huge array (data)',
        JSON.stringify({ data: Array.from({ length: n }, (_, i) => i) }),
        BAD_INPUT,
      );
    return jsonRequest(
      'huge array (value)',
      JSON.stringify(
        envelope(
          productCreate,
          uid,
          Array.from({ length: n }, (_, i) => i),
        ),
      ),
      BAD_INPUT,
    );
  });

const COMMERCE_CODES = eventsOf({ direction: 'commerce' }).map((e) => e.code);
const unknownEvents = fc
  .tuple(
    fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => `be-observer.${s}`),
      fc.constantFrom(
        ...COMMERCE_CODES,
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'be-observer.',
        'BE-OBSERVER.CATALOG_PRODUCT_CREATE',
      ),
    ),
    uidArb,
  )
  .filter(([code]) => {
    const e = findEvent(code);
    return !e || e.direction !== 'backoffice';
  })
  .map(([code, uid]) =>
    jsonRequest('unknown event', JSON.stringify({ data: { uid, event: code, value: productCreate.sample } })),
  );

const missingUid = fc.tuple(entryArb, fc.constantFrom('absent', 'empty', 'null')).map(([entry, how]) => {
  const data: Record<string, unknown> = { event: entry.code, value: entry.sample };
  if (how === 'empty') data.uid = '';
  if (how === 'null') data.uid = null;
  return jsonRequest(`missing uid (${how})`, JSON.stringify({ data }));
});

const POLLUTION = ['__proto__', 'constructor', 'prototype'] as const;
const protoKeys = fc
  .tuple(
    entryArb,
    uidArb,
    fc.constantFrom(...POLLUTION),
    fc.constantFrom('root', 'data', 'value'),
    fc.jsonValue({ maxDepth: 2 }),
    fc.boolean(),
  )
  .map(([entry, uid, key, where, payload, escaped]) => {
    const env = envelope(entry, uid, structuredClone(entry.sample));
    let root: Record<string, unknown> = env;
    if (where === 'root') root = withKey(env, key, payload);
    else if (where === 'data') env.data = withKey(env.data, key, payload);
    else {
      const v = env.data.value;
      if (Array.isArray(v)) v[0] = withKey(v[0] as Record<string, unknown>, key, payload);
      else env.data.value = withKey(v as Record<string, unknown>, key, payload);
    }
    let body = JSON.stringify(root);
    // the same key spelled with a JSON escape, which JSON.parse turns back into the key
    if (escaped) body = body.replace(`"${key}"`, `"\\u00${key.charCodeAt(0).toString(16)}${key.slice(1)}"`);
    return jsonRequest(`prototype pollution (${key} in ${where}${escaped ? ', escaped' : ''})`, body);
  });

const NOW = () => new Date();
/** header values must be printable ASCII to travel over HTTP */
const headerJunk = fc.stringMatching(/^[!-~]{0,60}$/);
const badSignatures = fc
  .tuple(
    entryArb,
    uidArb,
    fc.constantFrom(
      'other secret',
      'other body',
      'old timestamp',
      'future timestamp',
      'garbage signature',
      'missing timestamp',
      'wrong api key',
      'empty api key',
      'no credentials',
    ),
    fc.integer({ min: 301, max: 1_000_000 }),
    headerJunk,
  )
  .map(([entry, uid, how, skew, junk]) => {
    const body = JSON.stringify(envelope(entry, uid));
    const id = `msg_${uid.replace(/[^a-zA-Z0-9]/g, '')}x`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const sign = (secret: string, at: Date, raw: string) => {
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = String(Math.floor(at.getTime() / 1000));
      headers['webhook-signature'] = new Webhook(secret).sign(id, at, raw);
    };
    if (how === 'other secret') sign(OTHER_SECRET, NOW(), body);
    else if (how === 'other body') sign(SECRET, NOW(), `${body} `);
    else if (how === 'old timestamp') sign(SECRET, new Date(Date.now() - skew * 1000), body);
    else if (how === 'future timestamp') sign(SECRET, new Date(Date.now() + skew * 1000), body);
    else if (how === 'garbage signature') {
      sign(SECRET, NOW(), body);
      headers['webhook-signature'] = `v1,${Buffer.from(junk).toString('base64')}`;
    } else if (how === 'missing timestamp') {
      sign(SECRET, NOW(), body);
      delete headers['webhook-timestamp'];
    } else if (how === 'wrong api key') headers['x-api-key'] = `${API_KEY.slice(0, -1)}${junk}!`;
    else if (how === 'empty api key') headers['x-api-key'] = '';
    return { kind: `bad credentials (${how})`, method: 'POST', headers, body, expect: [401] } as BadRequest;
  });

const wrongContentTypes = fc
  .tuple(entryArb, uidArb, fc.constantFrom('form', 'xml', 'multipart', 'text'))
  .map(([entry, uid, how]): BadRequest => {
    const value = JSON.stringify(entry.sample);
    let ct: string;
    let body: string;
    if (how === 'form') {
      ct = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ 'data[uid]': uid, 'data[event]': entry.code, 'data[value]': value }).toString();
    } else if (how === 'xml') {
      ct = 'application/xml';
      body = `<?xml version="1.0"?><data><uid>${uid.replace(/[<&]/g, '')}</uid><event>${entry.code}</event><value>${value.replace(/[<&]/g, '')}</value></data>`;
    } else if (how === 'multipart') {
      ct = 'multipart/form-data; boundary=XyZ';
      body = `--XyZ\r\nContent-Disposition: form-data; name="data"\r\n\r\n${JSON.stringify({ uid, event: entry.code, value: entry.sample })}\r\n--XyZ--\r\n`;
    } else {
      ct = 'text/plain';
      body = `uid=${uid} event=${entry.code} value=${value}`;
    }
    return {
      kind: `wrong content type (${how})`,
      method: 'POST',
      headers: { 'content-type': ct, 'x-api-key': API_KEY },
      body,
      expect: [400],
    };
  });

const wrongMethods = fc
  .tuple(entryArb, uidArb, fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'))
  .map(([entry, uid, method]): BadRequest => ({
    kind: `wrong method (${method})`,
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: method === 'GET' || method === 'OPTIONS' ? '' : JSON.stringify(envelope(entry, uid)),
    expect: [405],
  }));

/** every class, weighted so the cheap ones dominate and the huge ones still come up often */
export const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  { arbitrary: randomBytes, weight: 3 },
  { arbitrary: randomText, weight: 2 },
  { arbitrary: randomJson, weight: 2 },
  { arbitrary: truncated, weight: 3 },
  { arbitrary: deeplyNested, weight: 1 },
  { arbitrary: wrongTypes, weight: 4 },
  { arbitrary: hugeStrings, weight: 1 },
  { arbitrary: hugeArrays, weight: 1 },
  { arbitrary: unknownEvents, weight: 3 },
  { arbitrary: missingUid, weight: 2 },
  { arbitrary: protoKeys, weight: 3 },
  { arbitrary: badSignatures, weight: 3 },
  { arbitrary: wrongContentTypes, weight: 2 },
  { arbitrary: wrongMethods, weight: 2 },
);

/** The webhook's params for a request, as I/O Runtime builds them for a `raw-http` web action. */
export function toRawHttpParams(r: BadRequest, inputs: Record<string, unknown>): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  const ct = headers['content-type'];
  const buf = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  const text = isTextContentType(ct);
  return {
    ...inputs,
    __ow_method: r.method.toLowerCase(),
    __ow_headers: headers,
    __ow_path: '',
    __ow_query: '',
    __ow_body: text ? buf.toString('utf8') : buf.toString('base64'),
  };
}
