/**
 * R3 auth through the platform: the webhook as a web action, its replay guard on the
 * platform's State (aio-lib-state from inside the worker), and the places a secret could leak
 * to: every response body, every activation record and its logs (OpenWhisk REST API), every
 * delivery trace (the events traces API), and everything the platform and its workers print.
 */
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { captureOutput, type Capture } from './support/capture';
import { appEventsConfig, startRelPlatform, waitFor, type RelPlatform } from './support/platform';
import { Target } from './support/target';
import { budget } from './support/sizes';

const KEY = 'r3-http-api-key-2f9d1c7e5a3b';
const SECRET = `whsec_${Buffer.from('r3 http signing secret, never leak').toString('base64')}`;
const WEBHOOK_APP = path.join(__dirname, 'fixtures', 'webhook-app');

let rp: RelPlatform;
let target: Target;
let capture: Capture;
let url: string;

beforeAll(async () => {
  capture = captureOutput();
  target = await new Target().start();
  const seed = appEventsConfig();
  seed.registrations = [
    {
      name: 'r3-traces',
      delivery_type: 'webhook',
      webhook_url: target.url,
      events_of_interest: [{ provider_label: 'Backoffice Provider', event_code: 'be-observer.catalog_product_create' }],
    },
  ];
  rp = await startRelPlatform({
    projectDir: WEBHOOK_APP,
    env: { INGESTION_API_KEY: KEY, INGESTION_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'debug' },
    seed,
  });
  url = `${rp.url}/api/v1/web/${rp.p.config.namespace}/ingestion/webhook`;
}, 60_000);
afterAll(async () => {
  await rp?.close();
  await target?.down();
  capture.restore();
});

let n = 0;
const body = () =>
  JSON.stringify({
    data: {
      uid: `r3h-${++n}`,
      event: 'be-observer.catalog_product_create',
      value: { sku: `R3H-${n}`, name: 'N', price: 1, description: 'D' },
    },
  });
function sign(raw: string, secret: string, opts: { id?: string; at?: Date } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = opts.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
  };
}

const responses: string[] = [];
async function post(raw: string, headers: Record<string, string>): Promise<[number, string | undefined]> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  const text = await res.text();
  responses.push(`${JSON.stringify(Object.fromEntries(res.headers.entries()))}\n${text}`);
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    code = undefined;
  }
  return [res.status, res.status >= 400 ? code : undefined];
}

it(
  'the auth matrix over HTTP, the replay guard on the platform State, and no secret anywhere',
  async () => {
    const other = `whsec_${Buffer.from('not the configured secret at all').toString('base64')}`;
    const first = await post(body(), {});
    if (first[0] !== 401) {
      capture.restore();
      console.log(responses.join('\n'), capture.text().slice(-3000));
    }
    expect(first).toEqual([401, 'unauthenticated']);
    expect(await post(body(), { 'x-api-key': `${KEY}x` })).toEqual([401, 'invalid_api_key']);
    const raw = body();
    expect(await post(raw, sign(`${raw} `, SECRET))).toEqual([401, 'invalid_signature']);
    expect(await post(raw, sign(raw, other))).toEqual([401, 'invalid_signature']);
    expect(await post(raw, sign(raw, SECRET, { at: new Date(Date.now() - 301_000) }))).toEqual([
      401,
      'invalid_signature',
    ]);
    expect(await post(raw, sign(raw, SECRET, { at: new Date(Date.now() + 330_000) }))).toEqual([
      401,
      'invalid_signature',
    ]);

    const signed = sign(raw, SECRET, { id: 'msg_http_replay' });
    expect((await post(raw, signed))[0]).toBe(200);
    expect(await post(raw, signed)).toEqual([401, 'replayed_webhook_id']);
    // the record is in the platform's State, shared by every container of the action
    const stateRows = rp.p.ctx.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{
      name: string;
    }>;
    expect(stateRows.length).toBeGreaterThan(0);
    expect((await post(body(), { 'x-api-key': KEY }))[0]).toBe(200);

    // deliveries happened, so traces exist to search
    await waitFor('two deliveries traced', () => target.deliveries.length >= 2, 20_000);
    await new Promise((r) => setTimeout(r, 200));

    const auth = `Basic ${Buffer.from(rp.p.config.auth).toString('base64')}`;
    const ns = rp.p.config.namespace;
    const activations = await (
      await fetch(`${rp.url}/api/v1/namespaces/${ns}/activations?docs=true&limit=200`, {
        headers: { authorization: auth },
      })
    ).text();
    const list = JSON.parse(activations) as Array<{ activationId: string }>;
    expect(list.length).toBeGreaterThanOrEqual(responses.length);
    const logs: string[] = [];
    for (const a of list)
      logs.push(
        await (
          await fetch(`${rp.url}/api/v1/namespaces/${ns}/activations/${a.activationId}/logs`, {
            headers: { authorization: auth },
          })
        ).text(),
      );
    // the action's log lines (aio-lib-core-logging) are in its activations' logs, searched below
    expect(logs.join('\n')).toMatch(/status=401/);
    const events = (await (await fetch(`${rp.url}/events/_local/events`)).json()) as {
      events: Array<{ eventId: string }>;
    };
    const traces: string[] = [];
    for (const e of events.events)
      traces.push(await (await fetch(`${rp.url}/events/_local/events/${e.eventId}`)).text());
    expect(traces.join('\n')).toMatch(/x-adobe-event-id/);

    const everything = {
      responses: responses.join('\n'),
      activations,
      logs: logs.join('\n'),
      traces: traces.join('\n'),
      output: capture.text(),
      targetSaw: JSON.stringify(target.deliveries),
    };
    const secrets = [KEY, SECRET, SECRET.slice('whsec_'.length), rp.p.config.env.OAUTH_CLIENT_SECRET as string];
    for (const [where, text] of Object.entries(everything)) {
      for (const s of secrets) {
        if (text.includes(s)) throw new Error(`a secret (${s.slice(0, 4)}…) appears in ${where}`);
      }
    }
    capture.restore();
    console.log(
      `R3 over HTTP: ${responses.length} responses, ${list.length} activation records and their logs, ${traces.length} traces, ${everything.output.length} bytes of output searched: no secret found`,
    );
  },
  budget(60, 60),
);
