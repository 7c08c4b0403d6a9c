/**
 * R6 load: `autocannon` against the webhook of the platform (a child process, so the load
 * generator and the server do not share an event loop), with valid events of distinct uids
 * and the API key: 1,000 concurrent connections for 30 s in the full run, fewer and shorter
 * in `npm test`. No errors, no timeouts, no non-2xx; requests per second and the latency
 * percentiles (p50, p99) are printed, never asserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { appEventsConfig, tempDir } from './support/platform';
import { freePort, healthy, startPlatformChild, until, type PlatformChild } from './support/child';
import { SIZES, budget } from './support/sizes';

const WEBHOOK_APP = path.join(__dirname, 'fixtures', 'webhook-app');
const API_KEY = 'r6-load-api-key-4c1e8a2d';

it(
  `${SIZES.loadConnections} connections for ${SIZES.loadSeconds} s against the webhook: 0 errors, p99 printed`,
  async () => {
    const dataDir = tempDir('rel-load-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const envFile = path.join(dataDir, 'app.env');
    fs.writeFileSync(envFile, `INGESTION_API_KEY=${API_KEY}\n`);
    const configFile = path.join(dataDir, 'events-config.json');
    fs.writeFileSync(configFile, JSON.stringify(appEventsConfig()));
    const child: PlatformChild = startPlatformChild({
      port,
      dataDir,
      projectDir: WEBHOOK_APP,
      envFile,
      eventsConfig: configFile,
    });
    try {
      await until('the platform to start', () => healthy(base), 120_000, 200).catch((e: Error) => {
        throw new Error(`${e.message}: ${child.stderr()}`);
      });
      const namespace = (
        JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime-credentials.json'), 'utf8')) as { namespace: string }
      ).namespace;
      const url = `${base}/api/v1/web/${namespace}/ingestion/webhook`;
      let n = 0;
      const body = () =>
        JSON.stringify({
          data: {
            uid: `r6-${n++}`,
            event: 'be-observer.catalog_product_create',
            value: { sku: `R6-${n}`, name: 'Load test product', price: 1, description: 'R6' },
          },
        });
      // warm the webhook's container (IMS token, provider lookup) before measuring
      expect(
        (
          await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
            body: body(),
          })
        ).status,
      ).toBe(200);

      const result = await autocannon({
        url,
        method: 'POST',
        connections: SIZES.loadConnections,
        duration: SIZES.loadSeconds,
        timeout: 60,
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }) }],
      } as autocannon.Options);
      const stored = (await (await fetch(`${base}/events/_local/events?limit=1`)).json()) as { events: unknown[] };
      console.log(
        `R6 load: ${SIZES.loadConnections} connections, ${SIZES.loadSeconds} s: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, ` +
          `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
      );
      expect(result.errors).toBe(0);
      expect(result.timeouts).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
      expect(stored.events.length).toBe(1);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
  },
  budget(90, 300),
);
