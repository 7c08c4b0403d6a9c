/**
 * State through the real @adobe/aio-lib-state (AIO_STATE_ENDPOINT pointing at the platform),
 * from the test process and from inside an action.
 */
import openwhisk from 'openwhisk';
import type { RunningPlatform } from '../../platform/core/server';
import { basicAuth, startTestPlatform } from './helpers';

interface StateStore {
  get(key: string): Promise<{ value: string; expiration: string } | undefined>;
  put(key: string, value: string, opts?: { ttl?: number }): Promise<string>;
  delete(key: string): Promise<string | null>;
  deleteAll(opts: { match: string }): Promise<{ keys: number }>;
  any(): Promise<boolean>;
  stats(): Promise<{ keys: number; bytesKeys: number; bytesValues: number }>;
  list(opts?: { match?: string }): AsyncGenerator<{ keys: string[] }>;
}

let p: RunningPlatform;
let state: StateStore;

beforeAll(async () => {
  p = await startTestPlatform();
  process.env.AIO_STATE_ENDPOINT = p.url;
  let lib: { init(cfg?: { ow?: { namespace: string; auth: string } }): Promise<StateStore> } | undefined;
  jest.isolateModules(() => {
    lib = require('@adobe/aio-lib-state');
  });
  state = await lib!.init({ ow: { namespace: p.config.namespace, auth: p.config.auth } });
});
afterAll(async () => {
  delete process.env.AIO_STATE_ENDPOINT;
  await p.close();
});

async function allKeys(match?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { keys } of state.list(match ? { match } : {})) out.push(...keys);
  return out.sort();
}

test('put / get with expiration / delete', async () => {
  expect(await state.any()).toBe(false);
  const before = Date.now();
  await state.put('greeting', 'hello world');
  const got = await state.get('greeting');
  expect(got?.value).toBe('hello world');
  const exp = Date.parse(got!.expiration);
  expect(exp).toBeGreaterThanOrEqual(before + 86_400_000 - 5_000);
  expect(await state.any()).toBe(true);
  expect(await state.delete('greeting')).toBe('greeting');
  expect(await state.get('greeting')).toBeUndefined();
  expect(await state.delete('greeting')).toBeNull();
});

test('ttl: the key expires', async () => {
  await state.put('short', 'lived', { ttl: 1 });
  expect((await state.get('short'))?.value).toBe('lived');
  await new Promise((r) => setTimeout(r, 1100));
  expect(await state.get('short')).toBeUndefined();
});

test('list with match, across pages; stats; deleteAll', async () => {
  // (the lib compiles a schema per call; bulk-load through SQL to keep the test fast)
  const ins = p.ctx.db.prepare('INSERT INTO state_data (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)');
  p.ctx.db.transaction(() => {
    for (let i = 0; i < 1205; i++) ins.run(p.config.namespace, `item.${i}`, 'v', Date.now() + 60_000);
  })();
  await state.put('other-key', 'xx');
  const keys = await allKeys('item.*');
  expect(keys.length).toBe(1205);
  expect(await allKeys('other*')).toEqual(['other-key']);
  const stats = await state.stats();
  expect(stats.keys).toBe(1206);
  expect(stats.bytesValues).toBe(1205 + 2);
  expect(await state.deleteAll({ match: 'item.*' })).toEqual({ keys: 1205 });
  expect(await allKeys()).toEqual(['other-key']);
}, 30_000);

test('key rule and 1 MB value limit', async () => {
  await expect(state.put('bad/key', 'x')).rejects.toThrow(/key/);
  await expect(state.put('k'.repeat(1025), 'x')).rejects.toThrow();
  await expect(state.put('big', 'x'.repeat(1024 * 1024 + 1))).rejects.toThrow(/too large|413/i);
  await state.put('max', 'x'.repeat(1024 * 1024));
  expect((await state.get('max'))?.value.length).toBe(1024 * 1024);
  // the server enforces the key rule too
  const r = await fetch(`${p.url}/containers/${p.config.namespace}/data/bad%2Fkey`, {
    method: 'PUT',
    headers: { authorization: basicAuth(p.config.auth) },
    body: 'x',
  });
  expect(r.status).toBe(400);
});

test('auth: wrong key → 401, other namespace → 403', async () => {
  const wrong = await fetch(`${p.url}/containers/${p.config.namespace}/data/k`, {
    headers: { authorization: basicAuth('a:b') },
  });
  expect(wrong.status).toBe(401);
  const other = await fetch(`${p.url}/containers/123-other/data/k`, {
    headers: { authorization: basicAuth(p.config.auth) },
  });
  expect(other.status).toBe(403);
});

test('an action reaches State with no configuration (AIO_STATE_ENDPOINT and __OW_* in its env)', async () => {
  const ow = openwhisk({ apihost: p.url, api_key: p.config.auth, namespace: p.config.namespace });
  const r = (await ow.actions.invoke({
    name: 'demo/state',
    blocking: true,
    result: true,
    params: { key: 'from-action', value: 'v1' },
  })) as unknown as {
    value: string;
  };
  expect(r.value).toBe('v1');
  expect((await state.get('from-action'))?.value).toBe('v1');
});
