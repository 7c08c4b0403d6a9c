import openwhisk from 'openwhisk';
import type { ActivationRecord } from '../../platform/core/types';
import { basicAuth, startTestPlatform, tempDir } from './helpers';

test('a restart keeps activations, State, namespace and key', async () => {
  const dataDir = tempDir();
  const p1 = await startTestPlatform({ dataDir });
  const ow1 = openwhisk({ apihost: p1.url, api_key: p1.config.auth, namespace: p1.config.namespace });
  const rec = (await ow1.actions.invoke({ name: 'demo/counter', blocking: true })) as unknown as ActivationRecord;
  const put = await fetch(`${p1.url}/containers/${p1.config.namespace}/data/kept`, {
    method: 'PUT',
    headers: { authorization: basicAuth(p1.config.auth) },
    body: 'still here',
  });
  expect(put.status).toBe(200);
  const { namespace, auth } = p1.config;
  const key = p1.config.env.INGESTION_API_KEY;
  await p1.close();

  const p2 = await startTestPlatform({ dataDir });
  try {
    expect(p2.config.namespace).toBe(namespace);
    expect(p2.config.auth).toBe(auth);
    expect(p2.config.env.INGESTION_API_KEY).toBe(key);
    const ow2 = openwhisk({ apihost: p2.url, api_key: auth, namespace });
    const again = (await ow2.activations.get({ name: rec.activationId })) as unknown as ActivationRecord;
    expect(again.response.result).toEqual(rec.response.result);
    const list = (await ow2.activations.list({ name: 'counter' })) as unknown as ActivationRecord[];
    expect(list.map((a) => a.activationId)).toContain(rec.activationId);
    const got = await fetch(`${p2.url}/containers/${namespace}/data/kept`, {
      headers: { authorization: basicAuth(auth) },
    });
    expect(await got.text()).toBe('still here');
  } finally {
    await p2.close();
  }
});

test('AIO_RUNTIME_NAMESPACE / AIO_RUNTIME_AUTH are used when set', async () => {
  const p = await startTestPlatform({ env: { AIO_RUNTIME_NAMESPACE: '1234567-myapp-stage', AIO_RUNTIME_AUTH: 'u:k' } });
  try {
    expect(p.config.namespace).toBe('1234567-myapp-stage');
    expect(p.config.auth).toBe('u:k');
  } finally {
    await p.close();
  }
});

test('generated namespaces have the real shape', async () => {
  const p = await startTestPlatform();
  try {
    expect(p.config.namespace).toMatch(/^(development-)?[0-9]{3,10}-[a-z0-9]{1,20}(-[a-z0-9]{1,20})?$/);
    expect(p.config.auth).toMatch(/^[0-9a-f-]{36}:[A-Za-z0-9]{64}$/);
  } finally {
    await p.close();
  }
});

describe('production limits', () => {
  test('> 1 MB → 413 (web, REST, State); 601st activation in a minute → 429', async () => {
    const p = await startTestPlatform({ productionLimits: true });
    try {
      const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024) });
      const webUrl = `${p.url}/api/v1/web/${p.config.namespace}/demo/behave`;
      const w = await fetch(webUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(w.status).toBe(413);
      const rest = await fetch(`${p.url}/api/v1/namespaces/_/actions/demo/counter?blocking=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth(p.config.auth) },
        body: big,
      });
      expect(rest.status).toBe(413);
      let ok = 0;
      let limited = 0;
      for (let batch = 0; batch < 61; batch++) {
        const rs = await Promise.all(Array.from({ length: 10 }, () => fetch(webUrl)));
        for (const r of rs) {
          if (r.status === 200) ok++;
          else if (r.status === 429) limited++;
          await r.arrayBuffer();
        }
      }
      expect(ok).toBe(600);
      expect(limited).toBe(10);
      const ow = openwhisk({ apihost: p.url, api_key: p.config.auth, namespace: p.config.namespace });
      const err = await ow.actions.invoke({ name: 'demo/counter', blocking: true }).catch((e: unknown) => e);
      expect((err as { statusCode: number }).statusCode).toBe(429);
      const nb = await ow.actions.invoke({ name: 'demo/counter' }).catch((e: unknown) => e);
      expect((nb as { statusCode: number }).statusCode).toBe(429);
    } finally {
      await p.close();
    }
  }, 60_000);

  test('without the option web actions keep the 1 MB cap (it bounds memory), REST invoke does not', async () => {
    const p = await startTestPlatform();
    try {
      const big = JSON.stringify({ data: 'x'.repeat(1024 * 1024 + 10) });
      const w = await fetch(`${p.url}/api/v1/web/${p.config.namespace}/demo/behave`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      });
      expect(w.status).toBe(413);
      const rest = await fetch(`${p.url}/api/v1/namespaces/_/actions/demo/counter?blocking=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basicAuth(p.config.auth) },
        body: big,
      });
      expect(rest.status).toBe(200);
    } finally {
      await p.close();
    }
  });
});

test('a blocking invoke that outlives the wait answers 202 + activationId; the record comes later', async () => {
  const p = await startTestPlatform({ timeScale: 0.002 }); // 60 s wait → 120 ms
  try {
    const r = await fetch(`${p.url}/api/v1/namespaces/_/actions/demo/behave?blocking=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(p.config.auth) },
      body: JSON.stringify({ do: 'hang' }),
    });
    expect(r.status).toBe(202);
    const { activationId } = (await r.json()) as { activationId: string };
    expect(activationId).toMatch(/^[0-9a-f]{32}$/);
    const get = (): Promise<Response> =>
      fetch(`${p.url}/api/v1/namespaces/_/activations/${activationId}`, {
        headers: { authorization: basicAuth(p.config.auth) },
      });
    expect((await get()).status).toBe(404);
    let rec: ActivationRecord | undefined;
    for (let i = 0; i < 40 && !rec; i++) {
      await new Promise((res) => setTimeout(res, 100));
      const g = await get();
      if (g.status === 200) rec = (await g.json()) as ActivationRecord;
    }
    expect(rec?.response.status).toBe('action developer error');
  } finally {
    await p.close();
  }
});
