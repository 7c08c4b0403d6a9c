/**
 * R2 bad input through the platform's real HTTP door: the webhook as a `raw-http` web action
 * of the local platform, the same generators as the in-process run (a few thousand inputs in
 * the full run). Every answer is a 4xx of the kind's class with a JSON body, no 5xx, the
 * platform keeps serving, and the events ingress stores nothing (a good event at the end is
 * stored, so the count means something).
 */
import path from 'node:path';
import fc from 'fast-check';
import { API_KEY, SECRET, BACKOFFICE, badRequest } from './support/bad-requests';
import { appEventsConfig, startRelPlatform, type RelPlatform } from './support/platform';
import { SIZES, budget } from './support/sizes';
import { captureOutput, type Capture } from './support/capture';

const WEBHOOK_APP = path.join(__dirname, 'fixtures', 'webhook-app');
let rp: RelPlatform;
let webhookUrl: string;
let capture: Capture;

beforeAll(async () => {
  // the webhook logs one line per request; keep thousands of them off the test output
  capture = captureOutput();
  rp = await startRelPlatform({
    projectDir: WEBHOOK_APP,
    env: { INGESTION_API_KEY: API_KEY, INGESTION_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'error' },
    seed: appEventsConfig(),
  });
  webhookUrl = `${rp.url}/api/v1/web/${rp.p.config.namespace}/ingestion/webhook`;
}, 60_000);
afterAll(async () => {
  await rp?.close();
  capture.restore();
});

const stored = () => (rp.p.ctx.db.prepare('SELECT COUNT(*) AS n FROM ev_events').get() as { n: number }).n;

it(
  `refuses ${SIZES.fuzzHttp.toLocaleString('en-US')} bad requests over HTTP with a 4xx and a JSON body; nothing reaches the ingress`,
  async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      // OPTIONS is a CORS preflight: I/O Runtime answers it itself (200) and the action never sees it
      fc.asyncProperty(
        badRequest.filter((r) => r.method !== 'OPTIONS'),
        async (r) => {
          const res = await fetch(webhookUrl, {
            method: r.method,
            headers: r.headers,
            ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { body: r.body }),
          });
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (!r.expect.includes(res.status))
            throw new Error(`${r.kind}: expected ${r.expect.join('/')} got ${res.status} ${text.slice(0, 200)}`);
          if (!/json/.test(res.headers.get('content-type') ?? ''))
            throw new Error(`${r.kind}: content-type ${res.headers.get('content-type')}`);
          const body = JSON.parse(text) as { error?: unknown; code?: unknown };
          if (typeof body.error !== 'string' || typeof body.code !== 'string')
            throw new Error(`${r.kind}: body ${text.slice(0, 200)}`);
          if (text.includes(API_KEY) || text.includes(SECRET)) throw new Error(`${r.kind}: a secret is echoed`);
          if (!res.headers.get('x-openwhisk-activation-id')) throw new Error(`${r.kind}: no activation id`);
        },
      ),
      { numRuns: SIZES.fuzzHttp },
    );
    expect(stored()).toBe(0);
    expect((await fetch(`${rp.url}/healthz`)).status).toBe(200);
    capture.restore();
    console.log(
      `R2 over HTTP: ${SIZES.fuzzHttp} bad requests → ${[...statuses.entries()]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}; 0 stored by the ingress, platform up`,
    );

    const entry = BACKOFFICE[0]!;
    const ok = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ data: { uid: 'control-http', event: entry.code, value: entry.sample } }),
    });
    expect(ok.status).toBe(200);
    expect(stored()).toBe(1);
  },
  budget(60, 900),
);
