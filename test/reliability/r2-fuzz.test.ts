/**
 * R2 bad input, in-process: property-based fuzzing of the ingestion webhook's `main(params)`
 * (100,000 inputs in the full run): every answer is a 4xx of the kind's class with a JSON
 * error body (`error`, `code`), none is a 5xx, nothing is published (a counting ingress), and
 * no secret is echoed. The HTTP-door run is in r2-fuzz-http.test.ts.
 */
import fc from 'fast-check';
import { main } from '../../actions/ingestion/webhook';
import { clearImsCache } from '../../src/clients/ims';
import { resetPublishCaches } from '../../src/clients/io-events';
import { FakeIoEvents } from '../support/io-events-server';
import { API_KEY, SECRET, badRequest, toRawHttpParams, BACKOFFICE } from './support/bad-requests';
import { SIZES, budget } from './support/sizes';

let io: FakeIoEvents;
beforeAll(async () => {
  io = await new FakeIoEvents().start();
  clearImsCache();
  resetPublishCaches();
});
afterAll(async () => {
  await io.stop();
});

interface ErrorResult {
  error?: { statusCode?: unknown; body?: { error?: unknown; code?: unknown } };
  statusCode?: unknown;
}

it(
  `refuses ${SIZES.fuzzInProcess.toLocaleString('en-US')} bad inputs with a 4xx, publishes none of them`,
  async () => {
    const inputs = { ...io.inputs(), LOG_LEVEL: 'error', INGESTION_API_KEY: API_KEY, INGESTION_WEBHOOK_SECRET: SECRET };
    const byKind = new Map<string, Map<number, number>>();
    await fc.assert(
      fc.asyncProperty(badRequest, async (r) => {
        const callsBefore = io.ingressCalls;
        const res = (await main(toRawHttpParams(r, inputs) as never)) as ErrorResult;
        const status = res.error?.statusCode;
        const body = res.error?.body;
        const counts = byKind.get(r.kind) ?? new Map<number, number>();
        counts.set(Number(status), (counts.get(Number(status)) ?? 0) + 1);
        byKind.set(r.kind, counts);
        if (typeof status !== 'number' || !r.expect.includes(status)) {
          throw new Error(`${r.kind}: expected ${r.expect.join('/')} got ${String(status ?? res.statusCode)}`);
        }
        if (typeof body?.error !== 'string' || typeof body.code !== 'string')
          throw new Error(`${r.kind}: error body without error/code: ${JSON.stringify(body)}`);
        const text = JSON.stringify(res);
        if (text.includes(SECRET) || text.includes(API_KEY))
          throw new Error(`${r.kind}: a secret is echoed in the response`);
        if (io.ingressCalls !== callsBefore) throw new Error(`${r.kind}: reached the ingress (answered ${status})`);
      }),
      {
        numRuns: SIZES.fuzzInProcess,
        ...(process.env.FUZZ_SEED
          ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH, endOnFailure: true }
          : {}),
      },
    );
    expect(io.published).toHaveLength(0);
    expect(io.ingressCalls).toBe(0);

    const lines = [...byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, m]) => `  ${k.padEnd(52)} ${[...m.entries()].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`R2 in-process: ${SIZES.fuzzInProcess} bad inputs, 0 published, 0 5xx\n${lines.join('\n')}`);

    // control: the same setup does publish a good event, so "0 published" means something
    const entry = BACKOFFICE[0]!;
    const ok = (await main(
      toRawHttpParams(
        {
          kind: 'good',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
          body: JSON.stringify({ data: { uid: 'control-1', event: entry.code, value: entry.sample } }),
          expect: [200],
        },
        inputs,
      ) as never,
    )) as { statusCode?: number };
    expect(ok.statusCode).toBe(200);
    expect(io.published).toHaveLength(1);
  },
  budget(60, 900),
);
