/**
 * The one ingestion pipeline with a stand-in source: the shared checks run in order
 * (405 → 413 → 401 → 400 invalid_json) before the source sees the request, a skip answers 200
 * without publishing, `before` may still skip, `after` runs once published, and every
 * activation logs one request line.
 */
import type { EventDraft } from '../../../src/clients/io-events';
import { FinalError } from '../../../src/kernel/errors';
import { ingest, type Admitted, type Publication, type Skip, type Source } from '../../../src/ingest/pipeline';
import { MAX_BODY_BYTES, type RawHttpParams } from '../../../src/ingest/raw-body';

type Answer = { success: true; message: string };
type Step = Publication<Answer> | Skip<Answer>;

const API_KEY = 'pipeline-test-key';
const draft: EventDraft = {
  specversion: '1.0',
  id: 'e-1',
  type: 'test.event',
  datacontenttype: 'application/json',
  time: '2026-01-01T00:00:00.000Z',
  data: { a: 1 },
};

function harness(step: (request: Admitted) => Step) {
  const seen: Admitted[] = [];
  const published: EventDraft[] = [];
  const lines: string[] = [];
  const source: Source<Answer> = {
    action: 'test/ingest',
    logger: 'test-ingest',
    post: 'POST the test payload',
    plain: () => undefined,
    parse(request, _params, fields) {
      seen.push(request);
      fields.id = 'e-1';
      return step(request);
    },
    line: (fields, end) =>
      `${String(fields.action)} id=${String(fields.id ?? '-')} status=${end.status} outcome=${end.outcome}`,
  };
  const log = { debug() {}, info: (m: string) => lines.push(m), warn() {}, error: (m: string) => lines.push(m) };
  const deps = {
    logger: () => log,
    publish: async (_cfg: unknown, event: EventDraft) => {
      published.push(event);
    },
  };
  const run = (params: RawHttpParams) => ingest(source, params, deps);
  return { run, seen, published, lines };
}

const inputs = {
  INGESTION_API_KEY: API_KEY,
  OAUTH_CLIENT_ID: 'c',
  OAUTH_CLIENT_SECRET: 's',
  OAUTH_ORG_ID: 'o',
  BACKOFFICE_PROVIDER_ID: 'p',
};
const request = (over: Partial<RawHttpParams> = {}): RawHttpParams => ({
  ...inputs,
  __ow_method: 'post',
  __ow_headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
  __ow_body: '{"a": 1}',
  ...over,
});
const publishIt = (): Step => ({
  kind: 'publish',
  type: 'test.event',
  event: draft,
  response: { success: true, message: 'published' },
});
const statusOf = (r: unknown) =>
  'error' in (r as object)
    ? (r as { error: { statusCode: number } }).error.statusCode
    : (r as { statusCode: number }).statusCode;
const codeOf = (r: unknown) => (r as { error: { body: { code: string } } }).error.body.code;

describe('the shared checks, in order', () => {
  test('a wrong method is refused first, in the words of the source, with allow: POST', async () => {
    const h = harness(publishIt);
    const r = await h.run(request({ __ow_method: 'get', __ow_body: 'x'.repeat(MAX_BODY_BYTES + 1), __ow_headers: {} }));
    expect(r).toEqual({
      error: {
        statusCode: 405,
        headers: { allow: 'POST' },
        body: { error: 'method GET not allowed: POST the test payload', code: 'method_not_allowed' },
      },
    });
    expect(h.seen).toHaveLength(0);
  });

  test('then the size, before authentication', async () => {
    const h = harness(publishIt);
    const r = await h.run(
      request({ __ow_body: 'x'.repeat(MAX_BODY_BYTES + 1), __ow_headers: { 'content-type': 'application/json' } }),
    );
    expect([statusOf(r), codeOf(r)]).toEqual([413, 'payload_too_large']);
  });

  test('then authentication, before JSON', async () => {
    const h = harness(publishIt);
    const r = await h.run(
      request({ __ow_body: 'not json', __ow_headers: { 'content-type': 'application/json', 'x-api-key': 'wrong' } }),
    );
    expect([statusOf(r), codeOf(r)]).toEqual([401, 'invalid_api_key']);
  });

  test('then JSON; only then the source', async () => {
    const h = harness(publishIt);
    const r = await h.run(request({ __ow_body: 'not json' }));
    expect([statusOf(r), codeOf(r)]).toEqual([400, 'invalid_json']);
    expect(h.seen).toHaveLength(0);
  });
});

describe('the source decides, the pipeline publishes', () => {
  test('the source gets the parsed body and its text; its event is published and its answer returned', async () => {
    const h = harness(publishIt);
    const r = await h.run(request());
    expect(r).toEqual({
      statusCode: 200,
      body: { type: 'test.event', response: { success: true, message: 'published' } },
    });
    expect(h.seen).toEqual([{ parsed: { a: 1 }, text: '{"a": 1}' }]);
    expect(h.published).toEqual([draft]);
    expect(h.lines).toEqual(['test/ingest id=e-1 status=200 outcome=published']);
  });

  test('a skip answers 200 and publishes nothing', async () => {
    const h = harness(() => ({
      kind: 'skip',
      type: 'test.skip',
      response: { success: true, message: 'skipped' },
      outcome: 'filtered',
    }));
    const r = await h.run(request());
    expect(r).toEqual({
      statusCode: 200,
      body: { type: 'test.skip', response: { success: true, message: 'skipped' } },
    });
    expect(h.published).toHaveLength(0);
    expect(h.lines).toEqual(['test/ingest id=e-1 status=200 outcome=filtered']);
  });

  test('`before` may still skip; `after` runs only once published', async () => {
    const after = jest.fn(async () => undefined);
    const skipping = harness(
      () =>
        ({
          ...publishIt(),
          before: async () => ({
            kind: 'skip',
            type: 'test.dup',
            response: { success: true, message: 'dup' },
            outcome: 'duplicate',
          }),
          after,
        }) as Step,
    );
    expect(statusOf(await skipping.run(request()))).toBe(200);
    expect(skipping.published).toHaveLength(0);
    expect(after).not.toHaveBeenCalled();
    const going = harness(() => ({ ...publishIt(), before: async () => undefined, after }) as Step);
    await going.run(request());
    expect(going.published).toHaveLength(1);
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('a typed error of the source is answered as it is, and logged with its code', async () => {
    const h = harness(() => {
      throw new FinalError(400, 'bad value', { code: 'invalid_value' });
    });
    const r = await h.run(request());
    expect(r).toEqual({ error: { statusCode: 400, body: { error: 'bad value', code: 'invalid_value' } } });
    expect(h.lines).toEqual(['test/ingest id=e-1 status=400 outcome=invalid_value']);
  });
});
