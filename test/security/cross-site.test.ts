/**
 * Cross-site requests and DNS rebinding against the loopback platform: a Host allowlist on
 * every surface but the user's web actions, Origin checked on state-changing requests, and
 * a JSON content type required for state-changing requests to the platform's own APIs. The
 * browser case runs in headless chromium: a page on another origin POSTs `text/plain`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { API_KEY, SECRET } from '../reliability/support/bad-requests';
import { appEventsConfig, startRelPlatform, type RelPlatform } from '../reliability/support/platform';
import { chromiumPath } from '../console/harness';
import { raw } from './support';

const WEBHOOK_APP = path.join(__dirname, '..', 'reliability', 'fixtures', 'webhook-app');
let rp: RelPlatform;
let port: string;
let regId: string;

beforeAll(async () => {
  rp = await startRelPlatform({
    projectDir: WEBHOOK_APP,
    env: { INGESTION_API_KEY: API_KEY, INGESTION_WEBHOOK_SECRET: SECRET },
    seed: appEventsConfig({ consumers: true }),
  });
  port = new URL(rp.url).port;
  const regs = await raw(rp.url, 'GET', '/events/_local/registrations');
  const list = (regs.json.registrations ?? regs.json) as Array<{ registrationId?: string; id?: string }>;
  regId = String(list[0]?.registrationId ?? list[0]?.id);
}, 60_000);
afterAll(() => rp?.close());

const paused = async (): Promise<boolean> => {
  const r = await raw(rp.url, 'GET', `/events/_local/registrations/${regId}`);
  return (r.json as { paused?: boolean }).paused === true;
};

/** whether the Commerce stand-in's failure switch is set: a write then fails */
const commerceFails = async (): Promise<boolean> => {
  const r = await raw(
    rp.url,
    'POST',
    '/commerce/rest/V1/customerGroups',
    { 'content-type': 'application/json' },
    JSON.stringify({ group: { code: `g-${Math.random()}`, tax_class_id: 3 } }),
  );
  return r.status >= 500;
};

describe('Host allowlist (DNS rebinding)', () => {
  it('refuses a foreign Host on the platform API with 403 naming the field', async () => {
    const r = await raw(rp.url, 'GET', '/events/_local/events', { host: `rebind.attacker.example:${port}` });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error_code: 'host_not_allowed', field: 'host' });
    const c = await raw(rp.url, 'GET', '/console/api/overview', { host: `rebind.attacker.example:${port}` });
    expect(c.status).toBe(403);
  });

  it('answers 127.0.0.1, localhost and [::1] on any port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost:1', 'LOCALHOST']) {
      const r = await raw(rp.url, 'GET', '/events/_local/events', { host });
      expect([host, r.status]).toEqual([host, 200]);
    }
  });

  it('leaves the web actions (the user app, CORS *) to any host', async () => {
    const r = await raw(rp.url, 'POST', `/api/v1/web/${rp.p.config.namespace}/ingestion/webhook`, {
      host: 'tunnel.example.net',
      'content-type': 'application/json',
    });
    expect(r.status).toBe(401); // the app's own answer: no key
  });
});

describe('Origin and content type on state-changing requests', () => {
  it('refuses a cross-origin POST with 403, and nothing changes', async () => {
    const r = await raw(
      rp.url,
      'POST',
      `/events/_local/registrations/${regId}/pause`,
      { origin: 'http://evil.example', 'content-type': 'application/json' },
      '{"reason":"x"}',
    );
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error_code: 'origin_not_allowed', field: 'origin' });
    expect(await paused()).toBe(false);
    const n = await raw(
      rp.url,
      'POST',
      '/commerce/_control/fail',
      { origin: 'null', 'content-type': 'application/json' },
      '{}',
    );
    expect(n.status).toBe(403);
  });

  it('refuses text/plain (and a body without a type) on the platform APIs with 415 naming content-type', async () => {
    for (const p of [
      '/events/_local/replay',
      '/console/api/replay-failed',
      `/events/_local/registrations/${regId}/resume`,
    ]) {
      const r = await raw(rp.url, 'POST', p, { 'content-type': 'text/plain' }, '{}');
      expect([p, r.status, r.json.field]).toEqual([p, 415, 'content-type']);
    }
    const f = await raw(rp.url, 'POST', '/commerce/_control/fail', { 'content-type': 'text/plain' }, '{"status":503}');
    expect(f.status).toBe(415);
    const form = await raw(
      rp.url,
      'POST',
      '/commerce/_control/fail',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'status=503',
    );
    expect(form.status).toBe(415);
    const untyped = await raw(rp.url, 'POST', '/events/_local/replay', { 'content-length': '2' }, '{}');
    expect(untyped.status).toBe(415);
    expect(await commerceFails()).toBe(false);
  });

  it('accepts same-origin JSON, and a POST without a body or Origin (curl)', async () => {
    const same = await raw(
      rp.url,
      'POST',
      `/events/_local/registrations/${regId}/pause`,
      { origin: `http://localhost:${port}`, 'content-type': 'application/json' },
      '{"reason":"same origin"}',
    );
    expect(same.status).toBe(200);
    const bare = await raw(rp.url, 'POST', `/events/_local/registrations/${regId}/resume`);
    expect(bare.status).toBe(200);
  });

  it('leaves the web actions to what their clients send (a back office POSTing text/plain from a page)', async () => {
    const r = await raw(
      rp.url,
      'POST',
      `/api/v1/web/${rp.p.config.namespace}/ingestion/webhook`,
      { origin: 'http://backoffice.example', 'content-type': 'text/plain', 'x-api-key': API_KEY },
      'not json',
    );
    expect(r.status).toBe(400); // the webhook's own answer
    expect(r.json.code).toBe('invalid_json');
  });
});

describe('in a browser', () => {
  let browser: Browser | undefined;
  let other: http.Server | undefined;
  afterAll(async () => {
    await browser?.close();
    other?.closeAllConnections();
    await new Promise((r) => (other ? other.close(r) : r(undefined)));
  });

  it('a page on another origin cannot POST text/plain to the platform', async () => {
    other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>other</p>'));
    await new Promise<void>((r) => other?.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
    browser = await puppeteer.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--headless=new'] });
    const page = await browser.newPage();
    await page.goto(otherUrl);
    const targets = [
      ['/commerce/_control/fail', '{"status":503,"count":5}'],
      [`/events/_local/registrations/${regId}/pause`, '{"reason":"csrf"}'],
      ['/events/_local/replay', '{}'],
    ];
    const sent = await page.evaluate(
      async (base: string, list: string[][]) => {
        let n = 0;
        for (const [p, body] of list) {
          // a "simple" request: no preflight, the answer is opaque, but the request is sent
          await fetch(base + p, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body });
          n++;
        }
        return n;
      },
      rp.url,
      targets,
    );
    expect(sent).toBe(targets.length);
    expect(await commerceFails()).toBe(false);
    expect(await paused()).toBe(false);
  }, 60_000);
});
