/**
 * The peer of bench/e2e-peer.ts: the same pipeline on BullMQ + Redis, doing the same hops as
 * the platform (webhook accept → durable queue → consumer → handler → HTTP target) with the
 * app's own code at both ends:
 *
 * - `--role peer-webhook`: a `node:http` server running the ingestion webhook's pipeline
 *   (src/ingest/pipeline.ts with the back-office source: API key, JSON, envelope, catalog,
 *   schema, CloudEvent), whose publish step is `queue.add` (the job id is the event id); it
 *   answers 200 once Redis acknowledged the job, as the platform answers once SQLite committed;
 * - `--role peer-worker`: a BullMQ worker (64 jobs at once, as the platform's 64 deliveries in
 *   flight) running the product-backoffice handler (src/deliver/handler: idempotency, schema,
 *   loop breaker, transform, OAuth 1.0a-signed Commerce call) with its State in Redis;
 * - redis-server with `appendonly yes`, `appendfsync everysec` (a crash of the process loses
 *   nothing acknowledged, like SQLite's WAL at synchronous=NORMAL), in a temp dir, on a
 *   random loopback port.
 *
 * BullMQ needs a Redis client it does not bundle: `ioredis`, its peer dependency, a
 * devDependency of the project.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { StateStore } from '../src/state';
import { freePort } from '../test/reliability/support/child';

const ROOT = path.join(__dirname, '..');
export const QUEUE = 'commerce-events';
/** a worker's jobs at once: the platform's PLATFORM_EVENTS_MAX_IN_FLIGHT default */
export const WORKER_CONCURRENCY = 64;

/** Where ioredis is (BullMQ's connection option takes the same module). */
export function ioredisPath(): string {
  return require.resolve('ioredis', { paths: [ROOT] });
}

type RedisCtor = new (url: string, opts?: Record<string, unknown>) => RedisLike;
interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ex: 'EX', seconds: number): Promise<unknown>;
  quit(): Promise<unknown>;
}

function redisClient(url: string, opts: Record<string, unknown> = {}): RedisLike {
  const mod = require(ioredisPath()) as RedisCtor & { default?: RedisCtor };
  const Redis = mod.default ?? mod;
  return new Redis(url, { maxRetriesPerRequest: null, ...opts });
}

export interface RedisServer {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** scripts/ensure-redis.sh: the path of redis-server, installed with apt-get when missing */
export function ensureRedis(): string {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'ensure-redis.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bin = r.stdout.trim().split('\n').at(-1);
  if (r.status !== 0 || !bin) throw new Error('redis-server is not available (scripts/ensure-redis.sh failed)');
  return bin;
}

/** redis-server in a temp dir, on a random loopback port, AOF with an fsync every second. */
export async function startRedis(bin: string): Promise<RedisServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-redis-'));
  const port = await freePort();
  const child = spawn(
    bin,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--appendonly', 'yes',
      '--appendfsync', 'everysec',
      '--save', '',
      '--daemonize', 'no',
      '--protected-mode', 'yes',
      '--maxmemory-policy', 'noeviction', // BullMQ's requirement
    ], // prettier-ignore
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  child.stdout!.resume();
  return {
    child,
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((r) => {
          child.once('exit', () => r());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The inputs both peer roles give the app's code (the platform fills in the same names). */
function inputs(): Record<string, string> {
  const env = process.env;
  return {
    LOG_LEVEL: 'error',
    INGESTION_API_KEY: env.BENCH_API_KEY ?? '',
    // publishConfigFrom checks that the IMS inputs are present; the queue needs none of them
    OAUTH_CLIENT_ID: 'bench',
    OAUTH_CLIENT_SECRET: 'bench',
    OAUTH_ORG_ID: 'BENCH@AdobeOrg',
    BACKOFFICE_PROVIDER_ID: 'bench-provider',
    COMMERCE_BASE_URL: env.BENCH_COMMERCE_BASE_URL ?? '',
    COMMERCE_CONSUMER_KEY: 'bench-consumer-key',
    COMMERCE_CONSUMER_SECRET: 'bench-consumer-secret',
    COMMERCE_ACCESS_TOKEN: 'bench-access-token',
    COMMERCE_ACCESS_TOKEN_SECRET: 'bench-access-token-secret',
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `--role peer-webhook`: the webhook's pipeline in front of a BullMQ queue; prints its URL. */
export async function peerWebhookRole(): Promise<void> {
  const { Queue } = require('bullmq') as typeof import('bullmq');
  const { ingestAction } = require('../src/ingest/pipeline') as typeof import('../src/ingest/pipeline');
  const { backofficeSource } =
    require('../src/ingest/sources/backoffice') as typeof import('../src/ingest/sources/backoffice');
  const connection = redisClient(process.env.BENCH_REDIS_URL as string);
  const queue = new Queue(QUEUE, { connection: connection as never });
  const main = ingestAction(backofficeSource, {
    publish: async (_cfg, event) => {
      const ce = { ...event, source: 'urn:uuid:bench-provider' };
      await queue.add(ce.type, ce, { jobId: ce.id, attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
      return ce;
    },
  });
  const base = inputs();
  const server = http.createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const r = await main({
          ...base,
          __ow_method: (req.method ?? 'POST').toLowerCase(),
          __ow_headers: headers,
          __ow_body: body,
        });
        const status = 'error' in r ? r.error.statusCode : r.statusCode;
        const out = JSON.stringify('error' in r ? r.error.body : r.body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
        res.end(out);
      })
      .catch(() => res.writeHead(500).end());
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/webhook\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void queue.close().finally(() => process.exit(0));
  });
}

/** The handler's State surface on Redis (GET, SET … EX), as the State service is on its store. */
function redisState(client: RedisLike): StateStore {
  return {
    get: async (key) => (await client.get(key)) ?? undefined,
    put: async (key, value, ttl) => {
      await client.set(key, value, 'EX', ttl);
    },
  };
}

/** `--role peer-worker`: BullMQ worker running the product-backoffice handler; prints `ready` once connected. */
export async function peerWorkerRole(): Promise<void> {
  const { Worker } = require('bullmq') as typeof import('bullmq');
  const { createHandler } = require('../src/deliver/handler') as typeof import('../src/deliver/handler');
  const url = process.env.BENCH_REDIS_URL as string;
  const store = redisState(redisClient(url));
  const handler = createHandler({ package: 'product-backoffice', state: () => store });
  const base = inputs();
  const worker = new Worker(
    QUEUE,
    async (job) => {
      const r = await handler({ ...base, ...(job.data as Record<string, unknown>) });
      // as the consumer answers I/O Events: 2xx done, anything else retried by the queue
      if (r.statusCode >= 300) throw new Error(`handler answered ${r.statusCode}: ${JSON.stringify(r.body)}`);
      return r.statusCode;
    },
    { connection: redisClient(url) as never, concurrency: WORKER_CONCURRENCY },
  );
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void worker.close().finally(() => process.exit(0));
  });
}
