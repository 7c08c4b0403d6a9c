/**
 * Malformed input gets a 4xx naming the problem, never a 500: JSON nested 100,000 deep on
 * every JSON surface, out-of-range and unreadable query parameters, an impossible injected
 * status, bytes that are not UTF-8 in a webhook body; and a value with a newline cannot
 * forge a log line.
 */
import path from 'node:path';
import { createLogger } from '../../platform/core/logger';
import { localWorkspace } from '../../platform/events';
import { API_KEY, BACKOFFICE, SECRET } from '../reliability/support/bad-requests';
import { appEventsConfig, imsToken, startRelPlatform, type RelPlatform } from '../reliability/support/platform';
import { basicAuth } from '../platform/helpers';
import { raw } from './support';

const WEBHOOK_APP = path.join(__dirname, '..', 'reliability', 'fixtures', 'webhook-app');
const CLIENT = { OAUTH_CLIENT_ID: 'input-suite-client', OAUTH_CLIENT_SECRET: 'input-suite-secret-0123456789' };
const NESTED = '['.repeat(100_000) + ']'.repeat(100_000);
let rp: RelPlatform;
let token: string;

beforeAll(async () => {
  rp = await startRelPlatform({
    projectDir: WEBHOOK_APP,
    env: { INGESTION_API_KEY: API_KEY, INGESTION_WEBHOOK_SECRET: SECRET, ...CLIENT },
    seed: appEventsConfig(),
  });
  token = await imsToken(rp.url, { ...rp.p.config.env, ...CLIENT });
}, 60_000);
afterAll(() => rp?.close());

const stored = () => (rp.p.ctx.db.prepare('SELECT COUNT(*) AS n FROM ev_events').get() as { n: number }).n;
const json = { 'content-type': 'application/json' };

describe('JSON nested 100,000 deep → 400', () => {
  it('on /ingress', async () => {
    const ws = localWorkspace(rp.p.config.env);
    const provider = rp.events.providers.listProviders(ws.orgId, {})[0];
    const ce = JSON.stringify({
      specversion: '1.0',
      id: 'deep-1',
      source: `urn:uuid:${provider?.id}`,
      type: 'be-observer.catalog_product_create',
      datacontenttype: 'application/json',
      data: 'DATA',
    }).replace('"DATA"', NESTED);
    const r = await raw(
      rp.url,
      'POST',
      '/ingress',
      {
        authorization: `Bearer ${token}`,
        'x-api-key': CLIENT.OAUTH_CLIENT_ID,
        'content-type': 'application/cloudevents+json',
      },
      ce,
    );
    expect(r.status).toBe(400);
    expect(r.json.field).toBe('body');
  });

  it('on replay, the Commerce stand-in and REST invoke', async () => {
    const replay = await raw(rp.url, 'POST', '/events/_local/replay', json, `{"eventIds":${NESTED}}`);
    expect([replay.status, replay.json.field]).toEqual([400, 'body']);
    const commerce = await raw(rp.url, 'POST', '/commerce/rest/V1/products', json, `{"product":${NESTED}}`);
    expect(commerce.status).toBe(400);
    expect(String(commerce.json.message)).toMatch(/JSON/);
    const invoke = await raw(
      rp.url,
      'POST',
      '/api/v1/namespaces/_/actions/ingestion/webhook?blocking=true',
      { ...json, authorization: basicAuth(rp.p.config.auth) },
      `{"a":${NESTED}}`,
    );
    expect(invoke.status).toBe(400);
  });
});

describe('query parameters and control bodies', () => {
  it('activations?skip=1e308 (and other unreadable numbers) → 400', async () => {
    const auth = { authorization: basicAuth(rp.p.config.auth) };
    for (const q of ['skip=1e308', 'limit=abc', 'since=-5', 'upto=soon']) {
      const r = await raw(rp.url, 'GET', `/api/v1/namespaces/_/activations?${q}`, auth);
      expect([q, r.status]).toEqual([q, 400]);
      expect(String(r.json.error)).toContain(q.split('=')[0]);
    }
    expect((await raw(rp.url, 'GET', '/api/v1/namespaces/_/activations?skip=0&limit=5', auth)).status).toBe(200);
  });

  it('/events/_local/events?limit=abc|since=abc|before=-1 → 400 naming the field', async () => {
    for (const [q, field] of [
      ['limit=abc', 'limit'],
      ['limit=0', 'limit'],
      ['since=abc', 'since'],
      ['until=yesterday', 'until'],
      ['before=-1', 'before'],
    ]) {
      const r = await raw(rp.url, 'GET', `/events/_local/events?${q}`);
      expect([q, r.status, r.json.field]).toEqual([q, 400, field]);
    }
    const ok = await raw(rp.url, 'GET', `/events/_local/events?limit=5&since=${new Date(0).toISOString()}`);
    expect(ok.status).toBe(200);
  });

  it('_control/fail with an impossible status, delay or count → 400 naming it, and nothing is set', async () => {
    for (const [body, field] of [
      ['{"status":999}', 'status'],
      ['{"status":"503"}', 'status'],
      ['{"status":503,"delayMs":-1}', 'delayMs'],
      ['{"status":503,"count":1.5}', 'count'],
      ['{"status":503,"reads":"yes"}', 'reads'],
    ]) {
      const r = await raw(rp.url, 'POST', '/commerce/_control/fail', json, body);
      expect([body, r.status]).toEqual([body, 400]);
      expect(String(r.json.message)).toContain(field);
    }
    const write = await raw(rp.url, 'POST', '/commerce/rest/V1/customerGroups', json, '{"group":{"code":"ok"}}');
    expect(write.status).toBeLessThan(500);
  });
});

describe('a webhook body that is not UTF-8', () => {
  const entry = BACKOFFICE.find((e) => e.code === 'be-observer.catalog_product_create') ?? BACKOFFICE[0]!;
  const body = (uid: string): Buffer => {
    const text = JSON.stringify({ data: { uid: `${uid}-MARK`, event: entry.code, value: entry.sample } });
    const [head, tail] = text.split('MARK') as [string, string];
    return Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(tail)]);
  };

  it.each([
    ['application/json', 'utf8-json'],
    ['', 'utf8-untyped'],
  ])('is refused with 400 invalid_json (content-type %p) and nothing is stored', async (type, uid) => {
    const before = stored();
    const r = await raw(
      rp.url,
      'POST',
      `/api/v1/web/${rp.p.config.namespace}/ingestion/webhook`,
      { 'x-api-key': API_KEY, ...(type ? { 'content-type': type } : {}) },
      body(uid),
    );
    expect([r.status, r.json.code]).toEqual([400, 'invalid_json']);
    expect(stored()).toBe(before);
  });

  it('while the same body in valid UTF-8 is accepted (the test means something)', async () => {
    const text = JSON.stringify({ data: { uid: 'utf8-valid-é', event: entry.code, value: entry.sample } });
    const r = await raw(
      rp.url,
      'POST',
      `/api/v1/web/${rp.p.config.namespace}/ingestion/webhook`,
      { 'x-api-key': API_KEY, ...json },
      text,
    );
    expect(r.status).toBe(200);
  });
});

it('a value with a newline cannot forge a log line', () => {
  const lines: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const log = createLogger({ level: 'info' });
    const name = 'reg\n2026-01-01T00:00:00.000Z ERROR forged\r\u2028x';
    log.error(`events: registration ${name} is failing`, { name, reason: 'a\nb' });
  } finally {
    write.mockRestore();
  }
  const out = lines.join('');
  expect(out.split('\n').filter(Boolean)).toHaveLength(1);
  expect(out).toContain('reg\\n2026-01-01T00:00:00.000Z ERROR forged\\r\\u2028x');
  expect(out).toContain('reason=a\\nb');
});
