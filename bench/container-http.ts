/**
 * One container's HTTP requests to the platform, over loopback TCP and over the in-memory
 * connections of platform/runtime/port-socket.js, back to back in one process: a worker
 * thread (the container) sends requests the size of a State `get` to a fastify server on the
 * main thread (the platform), `Connection: close` (node-fetch without an agent, as
 * @adobe/aio-lib-state sends them) and on a keep-alive agent. The figure is the process's CPU
 * (user + sys, both threads and the kernel's loopback) per request.
 *
 *   npx tsx bench/container-http.ts [--n 4000] [--c 4] [--rounds 3]
 *
 * Figures go to `npm run bench` as `BENCH {json}` lines (bench/report.ts), in memory against TCP.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { openContainerLink, platformAddress } from '../platform/runtime/container-link';
import { reportBench } from './report';

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('--n', process.env.BENCH_QUICK ? 2000 : 4000);
const C = arg('--c', 4);
const ROUNDS = arg('--rounds', process.env.BENCH_QUICK ? 1 : 3);

const CLIENT = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
if (workerData.route) require(workerData.routeModule)(workerData.route);
const agent = workerData.keepAlive ? new http.Agent({ keepAlive: true }) : undefined;
const headers = { authorization: 'Basic YWJjOmRlZg==', ...(agent ? {} : { connection: 'close' }) };
function get() {
  return new Promise((resolve, reject) => {
    const req = http.request(workerData.url, { agent, headers }, (res) => {
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(String(res.statusCode)))));
    });
    req.on('error', reject);
    req.end();
  });
}
parentPort.on('message', async (n) => {
  let left = n;
  const one = async () => { while (left-- > 0) await get(); };
  await Promise.all(Array.from({ length: workerData.c }, one));
  parentPort.postMessage('done');
});
`;

async function run(url: string, keepAlive: boolean, route: unknown, transfer: unknown[]): Promise<number> {
  const w = new Worker(CLIENT, {
    eval: true,
    workerData: {
      url,
      keepAlive,
      c: C,
      route,
      routeModule: path.join(__dirname, '..', 'platform', 'runtime', 'platform-route.js'),
    },
    transferList: transfer as never[],
  });
  const send = (n: number) =>
    new Promise<void>((resolve) => {
      w.once('message', () => resolve());
      w.postMessage(n);
    });
  await send(500); // warm-up
  const t0 = process.cpuUsage();
  await send(N);
  const d = process.cpuUsage(t0);
  await w.terminate();
  return (d.user + d.system) / N;
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
  const value = 'x'.repeat(200);
  app.get('/containers/:ns/data/:key', async (req, reply) => {
    if (req.headers.authorization !== 'Basic YWJjOmRlZg==') return reply.code(401).send({});
    return reply.header('x-key-expires-ms', '1').header('content-type', 'application/octet-stream').send(value);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/containers/ns/data/key-1`;
  const target = platformAddress(app.server, base, '127.0.0.1')!;
  const results = new Map<string, number[]>();
  const add = (k: string, v: number) => results.set(k, [...(results.get(k) ?? []), v]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const keepAlive of [false, true]) {
      const kind = keepAlive ? 'keep-alive' : 'Connection: close';
      add(`TCP, ${kind}`, await run(url, keepAlive, undefined, []));
      const link = openContainerLink(target);
      add(`in memory, ${kind}`, await run(url, keepAlive, link.route, [link.route.port]));
      link.close();
    }
  }
  await app.close();
  console.log(`${N} requests per run, ${C} at a time, ${ROUNDS} rounds; CPU (user + sys) of the process per request:`);
  for (const [k, v] of results) console.log(`${k.padEnd(30)} ${v.map((x) => `${x.toFixed(1)} µs`).join('  ')}`);
  const mean = (k: string) => (results.get(k) ?? []).reduce((a, b) => a + b, 0) / ROUNDS;
  for (const kind of ['Connection: close', 'keep-alive'])
    reportBench({
      name: `container → platform request CPU, in memory, ${kind}, ${C} at a time`,
      value: mean(`in memory, ${kind}`),
      unit: 'µs',
      baseline: 'loopback TCP',
      baselineValue: mean(`TCP, ${kind}`),
    });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
