/**
 * The local I/O Runtime through the real `openwhisk` client and plain fetch.
 */
import openwhisk from 'openwhisk';
import type { ActivationRecord } from '../../platform/core/types';
import type { RunningPlatform } from '../../platform/core/server';
import { startTestPlatform } from './helpers';

let p: RunningPlatform;
let ow: ReturnType<typeof openwhisk>;
let web: (action: string, init?: RequestInit, query?: string) => Promise<Response>;

beforeAll(async () => {
  p = await startTestPlatform({ env: { FINAL_SECRET: 's3cret', GREETING: 'hello' } });
  ow = openwhisk({ apihost: p.url, api_key: p.config.auth, namespace: p.config.namespace });
  web = (action, init, query) =>
    fetch(`${p.url}/api/v1/web/${p.config.namespace}/demo/${action}${query ? `?${query}` : ''}`, init);
});
afterAll(async () => {
  await p.close();
});

const postJson = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('REST API with the openwhisk client', () => {
  test('actions list shows every action of app.config.yaml with its package', async () => {
    const list = (await ow.actions.list()) as unknown as Array<Record<string, unknown>>;
    const names = list.map((a) => `${String(a.namespace).split('/')[1]}/${String(a.name)}`).sort();
    expect(names).toEqual([
      'demo/behave',
      'demo/counter',
      'demo/echo',
      'demo/hog',
      'demo/http',
      'demo/parallel',
      'demo/raw',
      'demo/secure',
      'demo/state',
    ]);
    const echo = list.find((a) => a.name === 'echo') as Record<string, unknown>;
    expect(echo.namespace).toBe(`${p.config.namespace}/demo`);
    expect(echo.exec).toEqual({ kind: 'nodejs:20', binary: false });
    expect(echo.annotations).toEqual(expect.arrayContaining([{ key: 'web-export', value: true }]));
    expect(echo.limits).toMatchObject({ timeout: 60000, memory: 256, concurrency: 1 });
  });

  test('action get returns details with resolved inputs', async () => {
    const a = (await ow.actions.get({ name: 'demo/echo' })) as unknown as Record<string, unknown>;
    expect(a.parameters).toEqual(
      expect.arrayContaining([
        { key: 'GREETING', value: 'hello' },
        { key: 'FIXED', value: 'fixed-value' },
      ]),
    );
    // an input whose variable is unset is left out
    expect((a.parameters as Array<{ key: string }>).map((x) => x.key)).not.toContain('STATE_URL');
  });

  test('blocking invoke returns the activation record; result=true only the result', async () => {
    const rec = (await ow.actions.invoke({
      name: 'demo/counter',
      blocking: true,
      params: { add: 1 },
    })) as unknown as ActivationRecord;
    expect(rec.activationId).toMatch(/^[0-9a-f]{32}$/);
    expect(rec.response).toMatchObject({ status: 'success', statusCode: 0, success: true });
    expect(rec.name).toBe('counter');
    expect(rec.namespace).toBe(p.config.namespace);
    expect(rec.logs.some((l) => / stdout: count is \d+$/.test(l))).toBe(true);
    expect(rec.logs.some((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stderr: a line on stderr$/.test(l))).toBe(
      true,
    );
    const result = (await ow.actions.invoke({ name: 'demo/counter', blocking: true, result: true })) as unknown as {
      count: number;
    };
    expect(typeof result.count).toBe('number');
  });

  test('warm reuse: module state persists between activations', async () => {
    const a = (await ow.actions.invoke({
      name: 'demo/counter',
      blocking: true,
      result: true,
      params: { add: 10 },
    })) as unknown as {
      count: number;
      loadedAt: number;
    };
    const b = (await ow.actions.invoke({
      name: 'demo/counter',
      blocking: true,
      result: true,
      params: { add: 10 },
    })) as unknown as {
      count: number;
      loadedAt: number;
    };
    expect(b.count).toBe(a.count + 10);
    expect(b.loadedAt).toBe(a.loadedAt);
  });

  test('non-blocking invoke answers 202 + activationId; the record appears', async () => {
    const r = (await ow.actions.invoke({ name: 'demo/counter', params: { add: 1 } })) as unknown as {
      activationId: string;
    };
    expect(r.activationId).toMatch(/^[0-9a-f]{32}$/);
    let rec: ActivationRecord | undefined;
    for (let i = 0; i < 50 && !rec; i++) {
      try {
        rec = (await ow.activations.get({ name: r.activationId })) as unknown as ActivationRecord;
      } catch {
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    expect(rec?.response.success).toBe(true);
  });

  test('application error → 502 with the record; the platform keeps serving', async () => {
    const err = await ow.actions
      .invoke({ name: 'demo/behave', blocking: true, params: { do: 'throw' } })
      .catch((e: unknown) => e);
    expect((err as { statusCode: number }).statusCode).toBe(502);
    const body = (err as { error: ActivationRecord }).error;
    expect(body.response).toMatchObject({
      status: 'application error',
      statusCode: 1,
      success: false,
      result: { error: 'boom' },
    });
    const ok = (await ow.actions.invoke({ name: 'demo/behave', blocking: true, result: true })) as unknown as Record<
      string,
      unknown
    >;
    expect(ok).toEqual({ statusCode: 200, body: { ok: true } });
  });

  test('activations list (name, limit, skip, since, upto, docs), get, logs, result', async () => {
    const before = Date.now() - 1;
    const first = (await ow.actions.invoke({ name: 'demo/counter', blocking: true })) as unknown as ActivationRecord;
    const second = (await ow.actions.invoke({ name: 'demo/counter', blocking: true })) as unknown as ActivationRecord;
    const list = (await ow.activations.list({ name: 'counter', limit: 2 })) as unknown as Array<
      Record<string, unknown>
    >;
    expect(list.map((a) => a.activationId)).toEqual([second.activationId, first.activationId]);
    expect(list[0]).not.toHaveProperty('logs');
    expect(list[0]).toHaveProperty('statusCode', 0);
    const skipped = (await ow.activations.list({ name: 'demo/counter', limit: 1, skip: 1 })) as unknown as Array<
      Record<string, unknown>
    >;
    expect(skipped[0]?.activationId).toBe(first.activationId);
    const docs = (await ow.activations.list({
      name: 'counter',
      limit: 1,
      docs: true,
    })) as unknown as ActivationRecord[];
    expect(docs[0]?.logs.length).toBeGreaterThan(0);
    const since = (await ow.activations.list({ since: before, limit: 200 })) as unknown as ActivationRecord[];
    expect(since.map((a) => a.activationId)).toEqual(expect.arrayContaining([first.activationId, second.activationId]));
    const upto = (await ow.activations.list({ upto: before, limit: 200 })) as unknown as ActivationRecord[];
    expect(upto.map((a) => a.activationId)).not.toContain(first.activationId);
    const got = (await ow.activations.get({ name: first.activationId })) as unknown as ActivationRecord;
    expect(got.activationId).toBe(first.activationId);
    const logs = (await ow.activations.logs({ name: first.activationId })) as unknown as { logs: string[] };
    expect(logs.logs).toEqual(first.logs);
    const res = (await ow.activations.result({ name: first.activationId })) as unknown as {
      result: unknown;
      success: boolean;
    };
    expect(res).toMatchObject({ success: true, result: first.response.result });
    const missing = await ow.activations.get({ name: 'f'.repeat(32) }).catch((e: unknown) => e);
    expect((missing as { statusCode: number }).statusCode).toBe(404);
  });

  test('bad auth → 401 in OpenWhisk error shape', async () => {
    const bad = openwhisk({ apihost: p.url, api_key: 'x:y', namespace: p.config.namespace });
    const err = await bad.actions.list().catch((e: unknown) => e);
    expect((err as { statusCode: number }).statusCode).toBe(401);
    const r = await fetch(`${p.url}/api/v1/namespaces/_/actions`);
    expect(r.status).toBe(401);
    const body = (await r.json()) as Record<string, unknown>;
    expect(typeof body.error).toBe('string');
    expect(typeof body.code).toBe('string');
  });

  test('namespaces and packages (what aio rt asks first)', async () => {
    expect(await ow.namespaces.list()).toEqual([p.config.namespace]);
    const pk = (await ow.packages.list()) as unknown as Array<Record<string, unknown>>;
    expect(pk).toEqual([expect.objectContaining({ name: 'demo', namespace: p.config.namespace, publish: false })]);
  });

  test('invoke of an unknown action → 404', async () => {
    const err = await ow.actions.invoke({ name: 'demo/nope', blocking: true }).catch((e: unknown) => e);
    expect((err as { statusCode: number }).statusCode).toBe(404);
  });
});

describe('failures are contained', () => {
  // `hog` is the same code with a 64 MB limit and a long timeout (filling a heap is slow on a busy machine)
  const cases: Array<[string, string, number, RegExp]> = [
    ['behave', 'throw', 502, /boom/],
    ['behave', 'string', 502, /did not return a dictionary/],
    ['behave', 'exit', 502, /exited unexpectedly/],
    ['hog', 'oom', 502, /memory limit of 64 MB/],
    ['behave', 'hang', 502, /time limits of 1500 milliseconds/],
  ];
  test.each(cases)(
    '%s %s → %i and the platform keeps serving',
    async (action, what, status, message) => {
      const r = await web(action, postJson({ do: what }));
      expect(r.status).toBe(status);
      expect(r.headers.get('x-openwhisk-activation-id')).toMatch(/^[0-9a-f]{32}$/);
      const body = (await r.json()) as { error: string; code: string };
      expect(body.error).toMatch(message);
      const rec = (await ow.activations.get({ name: body.code })) as unknown as ActivationRecord;
      expect(rec.response.success).toBe(false);
      if (what === 'hang') expect(rec.annotations).toEqual(expect.arrayContaining([{ key: 'timeout', value: true }]));
      const ok = await web(action);
      expect(ok.status).toBe(200);
    },
    40_000,
  );
});

describe('web actions', () => {
  test('params: inputs, query, JSON body, __ow_* fields, env per activation', async () => {
    const r = await web('echo/some/path', postJson({ a: 1, GREETING: 'overridden' }, { 'X-Custom': 'Yes' }), 'q=2');
    expect(r.status).toBe(200);
    const id = r.headers.get('x-openwhisk-activation-id');
    const body = (await r.json()) as { params: Record<string, unknown>; env: Record<string, string> };
    expect(body.params).toMatchObject({
      FIXED: 'fixed-value',
      GREETING: 'overridden',
      a: 1,
      q: '2',
      __ow_method: 'post',
      __ow_path: '/some/path',
    });
    expect((body.params.__ow_headers as Record<string, string>)['x-custom']).toBe('Yes');
    expect(body.env).toEqual({
      apiHost: p.url,
      namespace: p.config.namespace,
      actionName: `/${p.config.namespace}/demo/echo`,
      activationId: id,
      deadline: expect.stringMatching(/^\d+$/),
      stateEndpoint: p.url,
    });
  });

  test('form bodies are merged too; "_" is the caller namespace', async () => {
    const r = await fetch(`${p.url}/api/v1/web/_/demo/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x=1&y=two',
    });
    const body = (await r.json()) as { params: Record<string, unknown> };
    expect(body.params).toMatchObject({ x: '1', y: 'two' });
  });

  test('raw-http: __ow_body and __ow_query instead of merged fields', async () => {
    const r = await web('raw', postJson({ a: 1 }), 'q=2&r=3');
    const body = (await r.json()) as { params: Record<string, unknown> };
    expect(body.params.__ow_body).toBe('{"a":1}');
    expect(body.params.__ow_query).toBe('q=2&r=3');
    expect(body.params).not.toHaveProperty('a');
    expect(body.params).not.toHaveProperty('q');
  });

  test('final: overriding an input → 400', async () => {
    const r = await web('http', postJson({ SECRET: 'mine', result: { body: 'x' } }));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/SECRET/);
    const ok = await web('http', postJson({ result: { body: 'x' } }));
    expect(ok.status).toBe(200);
  });

  const rules: Array<[string, unknown, number, string | null, string]> = [
    [
      'statusCode, headers, object body',
      { statusCode: 201, headers: { 'X-A': 'b' }, body: { k: 1 } },
      201,
      'application/json',
      '{"k":1}',
    ],
    ['string body defaults to 200 text/html', { body: 'hello' }, 200, 'text/html', 'hello'],
    ['no body → 204', {}, 204, null, ''],
    ['statusCode without body', { statusCode: 302, headers: { location: '/x' } }, 302, null, ''],
    [
      'binary content type: body is base64',
      { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('bin').toString('base64') },
      200,
      'application/octet-stream',
      'bin',
    ],
    [
      '{error: {statusCode, body}}',
      { error: { statusCode: 418, body: { error: 'teapot' } } },
      418,
      'application/json',
      '{"error":"teapot"}',
    ],
    [
      'invalid status code → 400',
      { statusCode: 'abc', body: 'x' },
      400,
      'application/json',
      '{"error":"The action produced an invalid HTTP status code."}',
    ],
  ];
  test.each(rules)('result → HTTP: %s', async (_name, result, status, contentType, text) => {
    const r = await web('http', { ...postJson({ result }), redirect: 'manual' });
    expect(r.status).toBe(status);
    if (contentType) expect(r.headers.get('content-type')).toContain(contentType);
    expect(await r.text()).toBe(text);
    expect(r.headers.get('x-openwhisk-activation-id')).toMatch(/^[0-9a-f]{32}$/);
    if (status === 201) expect(r.headers.get('x-a')).toBe('b');
  });

  test('a rejected promise with an http object renders it', async () => {
    const r = await web('http', postJson({ mode: 'reject' }));
    expect(r.status).toBe(409);
    expect(await r.json()).toEqual({ error: 'conflict' });
  });

  test('.json extension answers the result as JSON', async () => {
    const r = await web('http.json', postJson({ result: { any: 'thing' } }));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ any: 'thing' });
  });

  test('CORS: OPTIONS answered without an activation; responses carry allow-origin', async () => {
    const pre = await web('echo', { method: 'OPTIONS' });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const r = await web('echo');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('a non-web action is not reachable as a web action; unknown → 404', async () => {
    expect((await web('counter')).status).toBe(404);
    expect((await web('nothing')).status).toBe(404);
  });

  test('require-adobe-auth: no bearer token → 401', async () => {
    expect((await web('secure')).status).toBe(401);
    expect((await web('secure', { headers: { authorization: 'Bearer abc' } })).status).toBe(200);
  });
});

describe('Runtime contract (ctx.runtime)', () => {
  test('invokeWeb renders HTTP and records the event id; activationsForEvent finds it', async () => {
    const ev = { id: 'evt-123', type: 'com.example.thing', source: 'urn:uuid:abc', specversion: '1.0', data: { a: 1 } };
    const res = await p.ctx.runtime.invokeWeb('demo/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-adobe-event-id': 'evt-123' },
      body: JSON.stringify(ev),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-openwhisk-activation-id']).toBe(res.activationId);
    const body = JSON.parse(res.body) as { params: Record<string, unknown> };
    expect(body.params).toMatchObject({ id: 'evt-123', type: 'com.example.thing', data: { a: 1 } });
    const rec = await p.ctx.runtime.invoke('demo/counter', { add: 0 }, { eventId: 'evt-123' });
    expect(rec.eventId).toBe('evt-123');
    const acts = p.ctx.runtime.activationsForEvent('evt-123');
    expect(acts.map((a) => a.activationId)).toEqual([res.activationId, rec.activationId]);
    expect(acts[0]?.annotations).toEqual(expect.arrayContaining([{ key: 'eventId', value: 'evt-123' }]));
  });

  test('invokeWeb also reaches a non-web action (I/O Events delivers to those); unknown → 404', async () => {
    const res = await p.ctx.runtime.invokeWeb('demo/counter', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"add":0}',
    });
    expect(res.statusCode).toBe(204); // {count, loadedAt} has no body: rendered by the web rules
    const missing = await p.ctx.runtime.invokeWeb('demo/nope', { method: 'POST', headers: {}, body: '' });
    expect(missing.statusCode).toBe(404);
  });

  test('actions() lists web URLs', () => {
    const echo = p.ctx.runtime.actions().find((a) => a.fullName === 'demo/echo');
    expect(echo).toEqual({
      fullName: 'demo/echo',
      packageName: 'demo',
      actionName: 'echo',
      web: true,
      rawHttp: false,
      webUrl: `${p.url}/api/v1/web/${p.config.namespace}/demo/echo`,
    });
  });

  test('GET /healthz answers 200 when ready', async () => {
    const r = await fetch(`${p.url}/healthz`);
    expect(r.status).toBe(200);
  });
});

describe('concurrency and the blocking wait', () => {
  test('limits.concurrency > 1: activations share a worker and keep their own logs', async () => {
    const recs = (await Promise.all(
      ['a', 'b', 'c', 'd'].map((tag) =>
        ow.actions.invoke({ name: 'demo/parallel', blocking: true, params: { tag, ms: 80 } }),
      ),
    )) as unknown as ActivationRecord[];
    for (const r of recs) {
      const tag = (r.response.result as { tag: string }).tag;
      expect(r.logs.map((l) => l.replace(/^\S+ stdout: /, ''))).toEqual([`start ${tag}`, `end ${tag}`]);
    }
  });
});
