/**
 * The console module without a browser: its assets and its own endpoints (overview,
 * activations by action and status, last attempts, the live stream), over real HTTP.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startPlatform } from '../../platform';
import type { RunningPlatform } from '../../platform/core/server';
import { runtimeModule } from '../../platform/runtime';
import { imsModule } from '../../platform/ims';
import { eventsModule } from '../../platform/events';
import { consoleModule } from '../../platform/console';
import { FIXTURE_APP, PROVIDER_LABEL, PRODUCT_CREATE } from './harness';

let p: RunningPlatform;
let dataDir: string;
let publish: (sku: string) => Promise<string>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-api-'));
  const configFile = path.join(dataDir, 'events.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      providers: [{ label: PROVIDER_LABEL, event_metadata: [{ event_code: PRODUCT_CREATE }] }],
      registrations: [
        {
          name: 'product-consumer',
          runtime_action: 'shop/consumer',
          events_of_interest: [{ provider_label: PROVIDER_LABEL, event_code: PRODUCT_CREATE }],
        },
      ],
    }),
  );
  const envFile = path.join(dataDir, 'test.env');
  fs.writeFileSync(envFile, '');
  p = await startPlatform({
    projectDir: FIXTURE_APP,
    dataDir,
    envFile,
    port: 0,
    quiet: true,
    modules: [runtimeModule(), imsModule(), eventsModule({ configFile, tokenCheck: () => true }), consoleModule()],
  });
  const regs = (await (await fetch(`${p.url}/events/_local/registrations`)).json()) as {
    registrations: Array<{ events_of_interest: Array<{ provider_id: string }> }>;
  };
  const providerId = regs.registrations[0]?.events_of_interest[0]?.provider_id ?? '';
  let n = 0;
  publish = async (sku) => {
    const res = await fetch(`${p.url}/ingress`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer t', 'x-api-key': 'k' },
      body: JSON.stringify({
        specversion: '1.0',
        id: `api-${++n}-${Date.now()}`,
        source: `urn:uuid:${providerId}`,
        type: PRODUCT_CREATE,
        data: { sku },
      }),
    });
    expect(res.status).toBe(200);
    return res.headers.get('x-adobe-event-id') ?? '';
  };
});

afterAll(async () => {
  await p?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('serves the page and its assets, and nothing else from the assets folder', async () => {
  const page = await fetch(`${p.url}/console`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(await page.text()).toContain('/console/assets/app.js');
  const js = await fetch(`${p.url}/console/assets/app.js`);
  expect(js.headers.get('content-type')).toContain('text/javascript');
  const css = await fetch(`${p.url}/console/assets/console.css`);
  expect(css.headers.get('content-type')).toContain('text/css');
  for (const bad of ['nope.js', '..%2Findex.ts', '%2E%2E%2Fapi.ts']) {
    const r = await fetch(`${p.url}/console/assets/${bad}`);
    expect(r.status).toBe(404);
  }
});

test('overview names the event codes, registrations and actions for the filter menus', async () => {
  const ov = (await (await fetch(`${p.url}/console/api/overview`)).json()) as Record<string, unknown>;
  expect(ov.eventCodes).toEqual([PRODUCT_CREATE]);
  expect((ov.registrations as Array<{ name: string }>).map((r) => r.name)).toEqual(['product-consumer']);
  expect(ov.actions).toEqual(['shop/consumer']);
  expect(ov.eventsModule).toBe(true);
});

test('the live stream carries events, deliveries and activations; lists filter activations by action and status', async () => {
  const seen: string[] = [];
  const req = http.get(`${p.url}/console/api/stream`);
  const done = new Promise<void>((resolve) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const m of chunk.matchAll(/^event: (\w+)$/gm)) seen.push(m[1] as string);
        if (seen.includes('event') && seen.includes('delivery') && seen.includes('activation')) resolve();
      });
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  const eventId = await publish('SKU-API-1');
  await done;
  req.destroy();

  const list = async (q: string) =>
    (await (await fetch(`${p.url}/console/api/activations${q}`)).json()) as {
      activations: Array<Record<string, unknown>>;
      next: string | null;
    };
  let ok = await list('?action=shop/consumer&status=success');
  for (let i = 0; i < 40 && ok.activations.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
    ok = await list('?action=shop/consumer&status=success');
  }
  expect(ok.activations).toHaveLength(1);
  expect(ok.activations[0]).toMatchObject({ action: 'shop/consumer', status: 'success', httpStatus: 200 });
  expect((await list('?status=application error')).activations).toHaveLength(0);
  expect((await list('?action=other')).activations).toHaveLength(0);

  const one = (await (
    await fetch(`${p.url}/console/api/activations/${String(ok.activations[0]?.activationId)}`)
  ).json()) as { logs: string[] };
  expect(one.logs.join('\n')).toContain('sku=SKU-API-1');
  expect((await fetch(`${p.url}/console/api/activations/nope`)).status).toBe(404);

  const la = (await (await fetch(`${p.url}/console/api/last-attempts?eventIds=${eventId},unknown`)).json()) as {
    lastAttempts: Record<string, Record<string, unknown>>;
  };
  expect(la.lastAttempts[eventId]).toMatchObject({
    registration: 'product-consumer',
    attempt: 1,
    outcome: 'success',
    responseStatus: 200,
  });
  expect(la.lastAttempts.unknown).toBeUndefined();
});

test('bad filters are refused with the field named', async () => {
  for (const q of ['?status=bogus', '?limit=-1', '?before=yesterday']) {
    const r = await fetch(`${p.url}/console/api/activations${q}`);
    expect(r.status).toBe(400);
    const body = (await r.json()) as { field: string };
    expect(['status', 'limit', 'before']).toContain(body.field);
  }
});

test('replay-failed refuses what it cannot replay, naming the field', async () => {
  const post = (body: unknown) =>
    fetch(`${p.url}/console/api/replay-failed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  let r = await post({ status: 'delivered' });
  expect(r.status).toBe(400);
  expect(((await r.json()) as { field: string }).field).toBe('status');
  r = await post({ registration: 'nope' });
  expect(r.status).toBe(404);
  expect(((await r.json()) as { field: string }).field).toBe('registration');
  r = await post({ since: 'yesterday-ish' });
  expect(r.status).toBe(400);
  // nothing failed here: nothing to replay
  r = await post({});
  expect(await r.json()).toEqual({ events: 0, deliveries: 0 });
});
