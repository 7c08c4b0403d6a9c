/**
 * R3 auth, in-process against the webhook's `main(params)`: no credentials, wrong key,
 * signature over a different body, timestamps outside the 5-minute window, a replayed
 * `webhook-id`, rotated secrets and keys → 401 (or 200 for a valid rotated one); and the
 * secrets never appear in what the action logs or answers. The platform-level part (activation
 * logs, traces, HTTP responses) is in r3-auth-http.test.ts.
 */
import { Webhook } from 'standardwebhooks';
import { main } from '../../actions/ingestion/webhook';
import { resetReplayMemory } from '../../src/ingest/auth/replay';
import { clearImsCache } from '../../src/clients/ims';
import { resetPublishCaches } from '../../src/clients/io-events';
import { FakeIoEvents } from '../support/io-events-server';

const KEY_OLD = 'r3-old-api-key-5b8f0e7a1c2d';
const KEY_NEW = 'r3-new-api-key-9a7c3e1f0b4d';
const SECRET_OLD = `whsec_${Buffer.from('r3 old signing secret, rotated away').toString('base64')}`;
const SECRET_NEW = `whsec_${Buffer.from('r3 new signing secret, rotated in!!').toString('base64')}`;
const ALL_SECRETS = [KEY_OLD, KEY_NEW, SECRET_OLD, SECRET_NEW, SECRET_OLD.slice(6), SECRET_NEW.slice(6)];

let io: FakeIoEvents;
let output = '';
const spies: jest.SpyInstance[] = [];

beforeAll(async () => {
  io = await new FakeIoEvents().start();
  // everything the action prints (aio-lib-core-logging writes through console / stdout)
  const capture = (...args: unknown[]) => {
    output += `${args.map(String).join(' ')}\n`;
  };
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const)
    spies.push(jest.spyOn(console, m).mockImplementation(capture));
  // winston's console transport writes to console._stdout / _stderr when they exist
  const c = console as unknown as { _stdout?: NodeJS.WriteStream; _stderr?: NodeJS.WriteStream };
  for (const stream of new Set([process.stdout, process.stderr, c._stdout, c._stderr])) {
    if (!stream) continue;
    spies.push(
      jest.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        output += String(chunk);
        return true;
      }) as typeof stream.write),
    );
  }
});
afterAll(async () => {
  for (const s of spies) s.mockRestore();
  await io.stop();
});
beforeEach(() => {
  io.reset();
  clearImsCache();
  resetPublishCaches();
  resetReplayMemory();
});

let n = 0;
const body = () =>
  JSON.stringify({
    data: {
      uid: `r3-${++n}`,
      event: 'be-observer.catalog_product_create',
      value: { sku: `R3-${n}`, name: 'N', price: 1, description: 'D' },
    },
  });

function call(raw: string, headers: Record<string, string>, inputs: Record<string, string>): Promise<unknown> {
  return main({
    ...io.inputs(),
    LOG_LEVEL: 'debug',
    INGESTION_API_KEY: '',
    INGESTION_WEBHOOK_SECRET: '',
    ...inputs,
    __ow_method: 'post',
    __ow_headers: { 'content-type': 'application/json', ...headers },
    __ow_body: raw,
  } as never);
}

function sign(raw: string, secret: string, opts: { id?: string; at?: Date } = {}): Record<string, string> {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = opts.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
  };
}

const outcome = (r: unknown): [number, string | undefined] => {
  const x = r as { statusCode?: number; error?: { statusCode: number; body: { code?: string } } };
  return x.error ? [x.error.statusCode, x.error.body.code] : [x.statusCode ?? 0, undefined];
};

const keyInputs = { INGESTION_API_KEY: KEY_NEW };
const sigInputs = { INGESTION_WEBHOOK_SECRET: SECRET_NEW };

describe('R3: every way in without the right credentials is a 401', () => {
  it('no credentials', async () => {
    expect(outcome(await call(body(), {}, keyInputs))).toEqual([401, 'unauthenticated']);
    expect(outcome(await call(body(), {}, sigInputs))).toEqual([401, 'unauthenticated']);
  });

  it('nothing configured → 401 naming what to set; INGESTION_AUTH=none opens it explicitly', async () => {
    expect(outcome(await call(body(), { 'x-api-key': KEY_NEW }, {}))).toEqual([401, 'auth_not_configured']);
    expect(outcome(await call(body(), {}, { INGESTION_AUTH: 'none' }))[0]).toBe(200);
  });

  it('wrong key, a prefix of the key, the key with a suffix, an empty key', async () => {
    for (const k of ['nope', KEY_NEW.slice(0, -1), `${KEY_NEW}x`, '', KEY_NEW.toUpperCase()]) {
      expect(outcome(await call(body(), { 'x-api-key': k }, keyInputs))).toEqual([401, 'invalid_api_key']);
    }
  });

  it('a signature over a different body, with another secret, or garbled', async () => {
    const raw = body();
    expect(outcome(await call(raw, sign(`${raw} `, SECRET_NEW), sigInputs))).toEqual([401, 'invalid_signature']);
    expect(outcome(await call(raw, sign(body(), SECRET_NEW), sigInputs))).toEqual([401, 'invalid_signature']);
    expect(outcome(await call(raw, sign(raw, SECRET_OLD), sigInputs))).toEqual([401, 'invalid_signature']);
    expect(outcome(await call(raw, { ...sign(raw, SECRET_NEW), 'webhook-signature': 'v1,AAAA' }, sigInputs))).toEqual([
      401,
      'invalid_signature',
    ]);
    expect(outcome(await call(raw, { ...sign(raw, SECRET_NEW), 'webhook-id': 'msg_other' }, sigInputs))).toEqual([
      401,
      'invalid_signature',
    ]);
  });

  it('timestamps outside the 5-minute window, either side; inside it is fine', async () => {
    const now = Date.now();
    for (const skew of [-301, 301, -3600, 86_400]) {
      const raw = body();
      expect(outcome(await call(raw, sign(raw, SECRET_NEW, { at: new Date(now + skew * 1000) }), sigInputs))).toEqual([
        401,
        'invalid_signature',
      ]);
    }
    for (const skew of [-240, 240]) {
      const raw = body();
      expect(outcome(await call(raw, sign(raw, SECRET_NEW, { at: new Date(now + skew * 1000) }), sigInputs))[0]).toBe(
        200,
      );
    }
  });

  it('a replayed webhook-id → 401, while a resend after a failed publish goes through', async () => {
    const raw = body();
    const headers = sign(raw, SECRET_NEW, { id: 'msg_replay_1' });
    expect(outcome(await call(raw, headers, sigInputs))[0]).toBe(200);
    expect(outcome(await call(raw, headers, sigInputs))).toEqual([401, 'replayed_webhook_id']);
    expect(io.published).toHaveLength(1);

    // the ingress fails once: the sender gets 503 and resends the same message, which is accepted
    const raw2 = body();
    const h2 = sign(raw2, SECRET_NEW, { id: 'msg_replay_2' });
    io.ingressQueue.push({ kind: 'status', status: 503 });
    expect(outcome(await call(raw2, h2, sigInputs))[0]).toBe(503);
    expect(outcome(await call(raw2, h2, sigInputs))[0]).toBe(200);
    expect(outcome(await call(raw2, h2, sigInputs))).toEqual([401, 'replayed_webhook_id']);
    expect(io.published).toHaveLength(2);
  });

  it('rotated secrets: both accepted during the rotation, the old one refused after it', async () => {
    const during = { INGESTION_WEBHOOK_SECRET: `${SECRET_NEW} ${SECRET_OLD}` };
    for (const s of [SECRET_OLD, SECRET_NEW]) {
      const raw = body();
      expect(outcome(await call(raw, sign(raw, s), during))[0]).toBe(200);
    }
    const raw = body();
    expect(outcome(await call(raw, sign(raw, SECRET_OLD), sigInputs))).toEqual([401, 'invalid_signature']);
    const raw2 = body();
    expect(outcome(await call(raw2, sign(raw2, SECRET_NEW), sigInputs))[0]).toBe(200);
  });

  it('rotated api keys: both accepted during the rotation, the old one refused after it', async () => {
    const during = { INGESTION_API_KEY: `${KEY_NEW},${KEY_OLD}` };
    expect(outcome(await call(body(), { 'x-api-key': KEY_OLD }, during))[0]).toBe(200);
    expect(outcome(await call(body(), { 'x-api-key': KEY_NEW }, during))[0]).toBe(200);
    expect(outcome(await call(body(), { 'x-api-key': KEY_OLD }, keyInputs))).toEqual([401, 'invalid_api_key']);
  });

  it('with both configured, presented credentials must be valid (a bad signature is not rescued by a good key)', async () => {
    const both = { INGESTION_API_KEY: KEY_NEW, INGESTION_WEBHOOK_SECRET: SECRET_NEW };
    const raw = body();
    expect(outcome(await call(raw, { 'x-api-key': KEY_NEW, ...sign(`${raw}x`, SECRET_NEW) }, both))[0]).toBe(401);
  });

  it('no secret appears in any log line or response of the suite', async () => {
    const responses: string[] = [];
    const raw = body();
    responses.push(JSON.stringify(await call(raw, { 'x-api-key': KEY_OLD }, keyInputs)));
    responses.push(JSON.stringify(await call(raw, sign(raw, SECRET_OLD), sigInputs)));
    responses.push(JSON.stringify(await call(raw, { 'x-api-key': KEY_NEW }, keyInputs)));
    io.ingressQueue.push({ kind: 'status', status: 500 });
    responses.push(JSON.stringify(await call(body(), { 'x-api-key': KEY_NEW }, keyInputs)));
    // a misconfiguration answer names inputs, never their values
    responses.push(
      JSON.stringify(
        await call(
          body(),
          { 'x-api-key': KEY_NEW },
          { ...keyInputs, OAUTH_CLIENT_SECRET: 'wrong-client-secret-value' },
        ),
      ),
    );
    expect(output.length).toBeGreaterThan(0);
    for (const s of [...ALL_SECRETS, io.clientSecret, 'wrong-client-secret-value']) {
      expect(output).not.toContain(s);
      for (const r of responses) expect(r).not.toContain(s);
    }
  });
});
