import { Webhook } from 'standardwebhooks';
import { main } from '../../../actions/ingestion/webhook';
import { catalog, eventsOf } from '../../../src/catalog';
import { eventId } from '../../../src/ingest/event-id';
import { clearImsCache } from '../../../src/clients/ims';
import { resetPublishCaches } from '../../../src/clients/io-events';
import { FakeIoEvents } from '../../support/io-events-server';

const API_KEY = 'ingest-test-key-0123456789';
const SECRET_A = `whsec_${Buffer.from('first secret of the test suite!!').toString('base64')}`;
const SECRET_B = `whsec_${Buffer.from('second secret, after rotation...').toString('base64')}`;

let io: FakeIoEvents;

beforeAll(async () => {
  io = await new FakeIoEvents().start();
});
afterAll(async () => {
  await io.stop();
});
beforeEach(() => {
  io.reset();
  clearImsCache();
  resetPublishCaches();
});

type Params = Record<string, unknown>;

function request(
  body: unknown,
  extra: { headers?: Record<string, string>; method?: string; inputs?: Params } = {},
): Params {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    LOG_LEVEL: 'error',
    ...io.inputs(),
    INGESTION_API_KEY: API_KEY,
    ...extra.inputs,
    __ow_method: extra.method ?? 'post',
    __ow_headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...extra.headers },
    __ow_body: raw,
    __ow_path: '',
  };
}

function signed(raw: string, secret: string, opts: { id?: string; at?: Date } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = opts.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
  };
}

interface Ok {
  statusCode: number;
  body: { type: string; response: { success: boolean; message: string; id: string } };
}
interface Err {
  error: {
    statusCode: number;
    headers?: Record<string, string>;
    body: { error: string; code: string; details?: Array<{ path: string }> };
  };
}
const asOk = (r: unknown) => r as Ok;
const asErr = (r: unknown) => r as Err;

const productCreate = {
  uid: 'u-1',
  event: 'be-observer.catalog_product_create',
  value: { sku: 'S1', name: 'N', price: 1, description: 'D' },
};

describe('ingestion/webhook: every back-office sample', () => {
  it.each(eventsOf({ direction: 'backoffice' }).map((e) => [e.code, e] as const))(
    'publishes %s as a CloudEvent',
    async (code, entry) => {
      const uid = `uid-${code}`;
      const res = asOk(await main(request({ data: { uid, event: code, value: entry.sample } })));
      expect(res.statusCode).toBe(200);
      expect(res.body).toEqual({
        type: code,
        response: { success: true, message: 'Event published successfully', id: eventId(uid, code) },
      });
      expect(io.published).toHaveLength(1);
      const [pub] = io.published;
      expect(pub?.body).toEqual({
        specversion: '1.0',
        id: eventId(uid, code),
        source: `urn:uuid:${io.providers[0]?.id}`,
        type: code,
        datacontenttype: 'application/json',
        time: expect.any(String),
        subject: entry.entityId(entry.sample as never),
        data: entry.sample,
      });
      expect(pub?.headers['x-api-key']).toBe(io.clientId);
      expect(pub?.headers['x-ims-org-id']).toBe(io.orgId);
      expect(pub?.headers.authorization).toMatch(/^Bearer tok-/);
    },
  );

  it('fetches the IMS token and the provider once per warm container', async () => {
    for (let i = 0; i < 5; i++)
      expect(asOk(await main(request({ data: { ...productCreate, uid: `u-${i}` } }))).statusCode).toBe(200);
    expect(io.published).toHaveLength(5);
    expect(io.tokenCalls).toBe(1);
    expect(io.providerCalls).toBe(1);
  });

  it('uses BACKOFFICE_PROVIDER_ID without asking the management API', async () => {
    const id = io.providers[0]?.id as string;
    const res = asOk(
      await main(request({ data: productCreate }, { inputs: { BACKOFFICE_PROVIDER_ID: id, IO_CONSUMER_ID: '' } })),
    );
    expect(res.statusCode).toBe(200);
    expect(io.providerCalls).toBe(0);
  });

  it('finds the provider under the kit label suffixed with the namespace', async () => {
    const saved = io.providers;
    io.providers = [
      { id: 'aaaaaaaa-0000-4000-8000-000000000001', label: 'Commerce Provider - myproject-stage' },
      { id: 'aaaaaaaa-0000-4000-8000-000000000002', label: 'Backoffice Provider - myproject-stage' },
    ];
    try {
      const res = asOk(
        await main(request({ data: productCreate }, { inputs: { AIO_runtime_namespace: '1234567-myproject-stage' } })),
      );
      expect(res.statusCode).toBe(200);
      expect(io.published[0]?.body.source).toBe('urn:uuid:aaaaaaaa-0000-4000-8000-000000000002');
    } finally {
      io.providers = saved;
    }
  });

  it('keeps be-observer codes unchanged under an EVENT_PREFIX', async () => {
    const res = asOk(await main(request({ data: productCreate }, { inputs: { EVENT_PREFIX: 'myapp' } })));
    expect(res.statusCode).toBe(200);
    expect(io.published[0]?.body.type).toBe('be-observer.catalog_product_create');
  });
});

describe('ingestion/webhook: bad input, nothing published', () => {
  afterEach(() => {
    expect(io.ingressCalls).toBe(0);
    expect(io.published).toHaveLength(0);
  });

  it('405 for a method other than POST', async () => {
    const r = asErr(await main(request({ data: productCreate }, { method: 'get' })));
    expect(r.error.statusCode).toBe(405);
    expect(r.error.body.code).toBe('method_not_allowed');
    expect(r.error.headers).toEqual({ allow: 'POST' });
  });

  it('413 over 1 MB, before authentication', async () => {
    const big = JSON.stringify({
      data: { ...productCreate, value: { ...productCreate.value, description: 'x'.repeat(1024 * 1024) } },
    });
    const r = asErr(await main(request(big, { headers: { 'x-api-key': 'wrong' } })));
    expect(r.error.statusCode).toBe(413);
    expect(r.error.body.code).toBe('payload_too_large');
  });

  it('401 before the body is even parsed', async () => {
    const r = asErr(await main(request('{not json', { headers: { 'x-api-key': 'wrong' } })));
    expect(r.error.statusCode).toBe(401);
  });

  it('400 invalid_json', async () => {
    const r = asErr(await main(request('{"data": ')));
    expect(r.error.statusCode).toBe(400);
    expect(r.error.body.code).toBe('invalid_json');
  });

  it.each([
    [[], ['/data']],
    [{}, ['/data']],
    [{ data: [] }, ['/data']],
    [{ data: {} }, ['/data/uid', '/data/event', '/data/value']],
    [{ data: { uid: '', event: 'be-observer.catalog_product_create', value: {} } }, ['/data/uid']],
    [{ data: { uid: 'u', event: 7, value: null } }, ['/data/event', '/data/value']],
  ])('400 invalid_envelope for %j', async (body, paths) => {
    const r = asErr(await main(request(body)));
    expect(r.error.statusCode).toBe(400);
    expect(r.error.body.code).toBe('invalid_envelope');
    expect(r.error.body.details?.map((d) => d.path)).toEqual(paths);
  });

  it.each(['be-observer.nothing', 'com.adobe.commerce.observer.catalog_product_save_commit_after'])(
    '400 unknown_event for %s',
    async (event) => {
      const r = asErr(await main(request({ data: { uid: 'u', event, value: {} } })));
      expect(r.error.statusCode).toBe(400);
      expect(r.error.body.code).toBe('unknown_event');
      expect(r.error.body.details?.map((d) => d.path)).toEqual(['/data/event']);
    },
  );

  it('400 invalid_value with every failing field path, and never the payload', async () => {
    const value = { sku: '', name: 42, price: -3, secretish: 'do-not-echo-me' };
    const r = asErr(await main(request({ data: { uid: 'u', event: 'be-observer.catalog_product_create', value } })));
    expect(r.error.statusCode).toBe(400);
    expect(r.error.body.code).toBe('invalid_value');
    expect(r.error.body.details?.map((d) => d.path).sort()).toEqual([
      '/data/value/description',
      '/data/value/name',
      '/data/value/price',
      '/data/value/sku',
    ]);
    expect(JSON.stringify(r)).not.toContain('do-not-echo-me');
  });

  it('400 invalid_value for the kit strictness on deletes', async () => {
    const r = asErr(
      await main(
        request({ data: { uid: 'u', event: 'be-observer.catalog_product_delete', value: { sku: 'A', extra: 1 } } }),
      ),
    );
    expect(r.error.statusCode).toBe(400);
    expect(r.error.body.details?.map((d) => d.path)).toEqual(['/data/value/extra']);
  });
});

describe('ingestion/webhook: authentication matrix', () => {
  const body = JSON.stringify({ data: productCreate });
  const noKey = { 'x-api-key': undefined as unknown as string };
  const status = (r: unknown) => ('error' in (r as object) ? asErr(r).error.statusCode : asOk(r).statusCode);
  const codeOf = (r: unknown) => asErr(r).error.body.code;

  it('refuses everything when nothing is configured, saying what to set', async () => {
    const r = await main(request(body, { inputs: { INGESTION_API_KEY: '' } }));
    expect(status(r)).toBe(401);
    expect(codeOf(r)).toBe('auth_not_configured');
    expect(asErr(r).error.body.error).toMatch(/INGESTION_API_KEY.*INGESTION_WEBHOOK_SECRET.*INGESTION_AUTH=none/);
  });

  it('accepts anything with INGESTION_AUTH=none set explicitly', async () => {
    expect(
      status(await main(request(body, { headers: noKey, inputs: { INGESTION_API_KEY: '', INGESTION_AUTH: 'none' } }))),
    ).toBe(200);
  });

  it('api key: missing → 401, wrong → 401, right → 200, a rotated second key → 200', async () => {
    let r = await main(request(body, { headers: noKey }));
    expect([status(r), codeOf(r)]).toEqual([401, 'unauthenticated']);
    r = await main(request(body, { headers: { 'x-api-key': `${API_KEY}x` } }));
    expect([status(r), codeOf(r)]).toEqual([401, 'invalid_api_key']);
    expect(JSON.stringify(r)).not.toContain(API_KEY);
    expect(status(await main(request(body)))).toBe(200);
    expect(
      status(
        await main(
          request(body, {
            headers: { 'x-api-key': 'next-key' },
            inputs: { INGESTION_API_KEY: `${API_KEY}, next-key` },
          }),
        ),
      ),
    ).toBe(200);
  });

  const sigInputs = { INGESTION_API_KEY: '', INGESTION_WEBHOOK_SECRET: SECRET_A };

  it('signature: valid → 200, tampered body → 401, wrong secret → 401', async () => {
    expect(
      status(await main(request(body, { headers: { ...noKey, ...signed(body, SECRET_A) }, inputs: sigInputs }))),
    ).toBe(200);
    const tampered = body.replace('"S1"', '"S2"');
    let r = await main(request(tampered, { headers: { ...noKey, ...signed(body, SECRET_A) }, inputs: sigInputs }));
    expect([status(r), codeOf(r)]).toEqual([401, 'invalid_signature']);
    r = await main(request(body, { headers: { ...noKey, ...signed(body, SECRET_B) }, inputs: sigInputs }));
    expect([status(r), codeOf(r)]).toEqual([401, 'invalid_signature']);
  });

  it('signature: older or newer than 5 minutes → 401', async () => {
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const at = new Date(Date.now() + offset);
      const r = await main(
        request(body, { headers: { ...noKey, ...signed(body, SECRET_A, { at }) }, inputs: sigInputs }),
      );
      expect([status(r), codeOf(r)]).toEqual([401, 'invalid_signature']);
    }
    const recent = new Date(Date.now() - 4 * 60_000);
    expect(
      status(
        await main(
          request(body, { headers: { ...noKey, ...signed(body, SECRET_A, { at: recent }) }, inputs: sigInputs }),
        ),
      ),
    ).toBe(200);
  });

  it('signature: rotation with several space-separated secrets', async () => {
    const inputs = { INGESTION_API_KEY: '', INGESTION_WEBHOOK_SECRET: `${SECRET_B} ${SECRET_A}` };
    expect(status(await main(request(body, { headers: { ...noKey, ...signed(body, SECRET_A) }, inputs })))).toBe(200);
    expect(status(await main(request(body, { headers: { ...noKey, ...signed(body, SECRET_B) }, inputs })))).toBe(200);
  });

  it('signature: missing headers → 401 naming what to send', async () => {
    const r = await main(request(body, { headers: noKey, inputs: sigInputs }));
    expect([status(r), codeOf(r)]).toEqual([401, 'unauthenticated']);
    expect(asErr(r).error.body.error).toContain('webhook-signature');
  });

  it('signature over the decoded bytes when the body arrives base64 (binary content type)', async () => {
    const params = request(Buffer.from(body).toString('base64'), {
      headers: { ...noKey, 'content-type': 'application/octet-stream', ...signed(body, SECRET_A) },
      inputs: sigInputs,
    });
    expect(status(await main(params))).toBe(200);
  });

  it('a malformed INGESTION_WEBHOOK_SECRET → 500 naming it', async () => {
    const r = await main(
      request(body, {
        headers: { ...noKey, ...signed(body, SECRET_A) },
        inputs: { INGESTION_API_KEY: '', INGESTION_WEBHOOK_SECRET: 'whsec_not base64!' },
      }),
    );
    expect([status(r), codeOf(r)]).toEqual([500, 'misconfigured']);
    expect(asErr(r).error.body.error).toContain('INGESTION_WEBHOOK_SECRET');
  });

  it('JSON sent without a content type is read as it is', async () => {
    const params = request(body, { headers: { 'content-type': undefined as unknown as string } });
    expect(status(await main(params))).toBe(200);
  });

  it('both configured: either credential works', async () => {
    const inputs = { INGESTION_API_KEY: API_KEY, INGESTION_WEBHOOK_SECRET: SECRET_A };
    expect(status(await main(request(body, { inputs })))).toBe(200);
    expect(status(await main(request(body, { headers: { ...noKey, ...signed(body, SECRET_A) }, inputs })))).toBe(200);
  });

  it('a plain (not raw-http) invocation with the parsed data param and an api key', async () => {
    const params: Params = { ...request(body), data: productCreate };
    delete params.__ow_body;
    expect(status(await main(params))).toBe(200);
  });
});

describe('ingestion/webhook: idempotent ids', () => {
  it('same uid and event → same CloudEvent id; another uid or event → another id', async () => {
    const a = asOk(await main(request({ data: productCreate })));
    const b = asOk(await main(request({ data: productCreate })));
    const c = asOk(await main(request({ data: { ...productCreate, uid: 'u-2' } })));
    const d = asOk(
      await main(
        request({
          data: { ...productCreate, event: 'be-observer.catalog_product_update', value: { ...productCreate.value } },
        }),
      ),
    );
    expect(a.body.response.id).toBe(b.body.response.id);
    expect(c.body.response.id).not.toBe(a.body.response.id);
    expect(d.body.response.id).not.toBe(a.body.response.id);
    expect(a.body.response.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(io.published.map((p) => p.body.id)).toEqual([a, b, c, d].map((r) => r.body.response.id));
  });

  it('eventId is a stable function of uid and code', () => {
    const codes = catalog.map((e) => e.code);
    const ids = new Set(codes.map((c) => eventId('same', c)));
    expect(ids.size).toBe(codes.length);
    expect(eventId('x', codes[0] as string)).toBe(eventId('x', codes[0] as string));
  });
});

describe('ingestion/webhook: publish outcomes', () => {
  const status = (r: unknown) => ('error' in (r as object) ? asErr(r).error.statusCode : asOk(r).statusCode);

  it('ingress 204 is a success too', async () => {
    io.ingressQueue.push({ kind: 'ok', status: 204 });
    expect(status(await main(request({ data: productCreate })))).toBe(200);
  });

  it('ingress 429 → 429 with its retry-after', async () => {
    io.ingressQueue.push({ kind: 'status', status: 429, retryAfter: '7' });
    const r = asErr(await main(request({ data: productCreate })));
    expect(r.error.statusCode).toBe(429);
    expect(r.error.headers).toEqual({ 'retry-after': '7' });
    expect(r.error.body.code).toBe('rate_limited');
  });

  it.each([500, 502, 503])('ingress %i → 503', async (s) => {
    io.ingressQueue.push({ kind: 'status', status: s });
    const r = asErr(await main(request({ data: productCreate })));
    expect(r.error.statusCode).toBe(503);
    expect(r.error.body.code).toBe('publish_unavailable');
  });

  it('connection dropped → 503', async () => {
    io.ingressQueue.push({ kind: 'drop' });
    expect(status(await main(request({ data: productCreate })))).toBe(503);
  });

  it('ingress slower than the timeout → 503', async () => {
    io.ingressQueue.push({ kind: 'delay', ms: 2000 });
    const r = asErr(await main(request({ data: productCreate }, { inputs: { IO_EVENTS_TIMEOUT_MS: '200' } })));
    expect(r.error.statusCode).toBe(503);
  });

  it('nothing listening → 503', async () => {
    const r = asErr(
      await main(request({ data: productCreate }, { inputs: { IO_EVENTS_INGRESS_URL: 'http://127.0.0.1:9/ingress' } })),
    );
    expect(r.error.statusCode).toBe(503);
  });

  it('a missing input → 500 naming it', async () => {
    const r = asErr(
      await main(request({ data: productCreate }, { inputs: { OAUTH_CLIENT_ID: '', OAUTH_ORG_ID: undefined } })),
    );
    expect(r.error.statusCode).toBe(500);
    expect(r.error.body.code).toBe('misconfigured');
    expect(r.error.body.error).toContain('OAUTH_CLIENT_ID');
    expect(r.error.body.error).toContain('OAUTH_ORG_ID');
    const r2 = asErr(await main(request({ data: productCreate }, { inputs: { IO_CONSUMER_ID: '' } })));
    expect(r2.error.body.error).toContain('BACKOFFICE_PROVIDER_ID or IO_CONSUMER_ID');
    expect(io.ingressCalls).toBe(0);
  });

  it('credentials IMS refuses → 500 naming them, and no secret in the answer', async () => {
    const r = asErr(
      await main(request({ data: productCreate }, { inputs: { OAUTH_CLIENT_SECRET: 'wrong-secret-value' } })),
    );
    expect(r.error.statusCode).toBe(500);
    expect(r.error.body.error).toContain('OAUTH_CLIENT_SECRET');
    expect(JSON.stringify(r)).not.toContain('wrong-secret-value');
  });

  it('no provider with our label → 500 pointing at onboarding / BACKOFFICE_PROVIDER_ID', async () => {
    const saved = io.providers;
    io.providers = [{ id: 'cccccccc-0000-4000-8000-000000000001', label: 'Someone else' }];
    try {
      const r = asErr(await main(request({ data: productCreate })));
      expect(r.error.statusCode).toBe(500);
      expect(r.error.body.error).toContain('BACKOFFICE_PROVIDER_ID');
    } finally {
      io.providers = saved;
    }
  });

  it('ingress 400 (provider gone) → 500, and the next call looks the provider up again', async () => {
    expect(status(await main(request({ data: productCreate })))).toBe(200);
    const saved = io.providers;
    io.providers = [{ id: 'dddddddd-0000-4000-8000-000000000001', label: 'Backoffice Provider' }];
    try {
      const r = asErr(await main(request({ data: productCreate })));
      expect([r.error.statusCode, r.error.body.code]).toEqual([500, 'misconfigured']);
      expect(status(await main(request({ data: productCreate })))).toBe(200);
      expect(io.published.at(-1)?.body.source).toBe('urn:uuid:dddddddd-0000-4000-8000-000000000001');
      expect(io.providerCalls).toBe(2);
    } finally {
      io.providers = saved;
    }
  });

  it('ingress 401 (token revoked) → 500 and the next call fetches a new token', async () => {
    io.ingressQueue.push({ kind: 'status', status: 401 });
    expect(status(await main(request({ data: productCreate })))).toBe(500);
    expect(status(await main(request({ data: productCreate })))).toBe(200);
    expect(io.tokenCalls).toBe(2);
  });
});

describe('eventId is UUID v5', () => {
  it('matches an independent RFC 9562 v5 computation over namespace bytes + UTF-8 name', () => {
    // reference: the textbook construction with Buffers and a Hash object
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const { ID_NAMESPACE } =
      jest.requireActual<typeof import('../../../src/ingest/event-id')>('../../../src/ingest/event-id');
    const v5 = (ns: string, name: string): string => {
      const h = createHash('sha1')
        .update(Buffer.from(ns.replace(/-/g, ''), 'hex'))
        .update(Buffer.from(name, 'utf8'))
        .digest();
      h[6] = ((h[6] as number) & 0x0f) | 0x50;
      h[8] = ((h[8] as number) & 0x3f) | 0x80;
      const x = h.subarray(0, 16).toString('hex');
      return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
    };
    for (const uid of ['u-1', 'ünïcødé-✓', '', '12345678901234567890']) {
      expect(eventId(uid, 'be-observer.catalog_product_create')).toBe(
        v5(ID_NAMESPACE, `be-observer.catalog_product_create\n${uid}`),
      );
    }
  });
});
