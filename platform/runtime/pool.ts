/**
 * Warm "containers" of one action: worker threads that load the action's bundle once and
 * serve activations, like OpenWhisk keeps a container warm. Created lazily, reused (module
 * state persists), at most `limits.concurrency` activations at a time in one worker, replaced
 * when they time out or die, and reaped when idle so that idle memory stays low.
 *
 * Worker threads rather than child processes: a round trip costs microseconds instead of a
 * pipe and a JSON frame each way, `resourceLimits` caps the heap (the closest equivalent of
 * `limits.memory`), and `process.exit()` inside a worker ends only that worker.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { openContainerLink, type ContainerLink, type PlatformAddress } from './container-link';

export type OutcomeKind = 'ok' | 'error' | 'developer' | 'timeout' | 'crash' | 'init';

export interface RunOutcome {
  kind: OutcomeKind;
  /** JSON text of the result object */
  result: string;
  logs: string[];
  /** ms spent starting the worker, when this activation had a cold start */
  initTime?: number;
}

export interface PoolOptions {
  name: string;
  bundle: string;
  /** environment of the worker (set before the bundle is required) */
  env: Record<string, string>;
  memoryMb: number;
  concurrency: number;
  maxWorkers: number;
  idleMs: number;
  /** the exported function to call (`exec.main`; default main) */
  main?: string;
  /** the per-activation log limit (`limits.logs` in bytes; default 10 MB, as OpenWhisk's) */
  logLimitBytes?: number;
  /** the platform's HTTP server: the container's requests to it go in memory (./container-link.ts) */
  platform?: PlatformAddress;
}

interface Pending {
  resolve: (o: RunOutcome) => void;
  timer: NodeJS.Timeout;
  cold: number | undefined;
}

interface WorkerMsg {
  t: 'ready' | 'initError' | 'done';
  id?: string;
  kind?: 'ok' | 'error' | 'developer';
  result?: string;
  logs?: string[];
  error?: string;
}

const WORKER_ENTRY = path.join(__dirname, 'worker-entry.js');

/**
 * The environment of a container: like on I/O Runtime, an action does not see the
 * environment of whoever started the platform (its settings come as params from `inputs`),
 * only the system basics below, the `__OW_*` variables and AIO_STATE_ENDPOINT.
 * PLATFORM_WORKER_ENV_PASS=NAME,NAME2 passes more through.
 */
const BASE_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TZ',
  'LANG',
  'LC_ALL',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function containerEnv(): Record<string, string> {
  const names = [
    ...BASE_ENV,
    ...(process.env.PLATFORM_WORKER_ENV_PASS ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  ];
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = process.env[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}

class Container {
  readonly worker: Worker;
  readonly inflight = new Map<string, Pending>();
  dead = false;
  retiring = false;
  ready = false;
  readonly createdAt = Date.now();
  idleSince = Date.now();
  initTime: number | undefined;
  private readonly link: ContainerLink | undefined;

  constructor(
    private readonly opts: PoolOptions,
    private readonly onGone: (c: Container) => void,
  ) {
    this.link = opts.platform ? openContainerLink(opts.platform) : undefined;
    this.worker = new Worker(WORKER_ENTRY, {
      workerData: {
        bundle: opts.bundle,
        name: opts.name,
        concurrency: opts.concurrency,
        main: opts.main,
        logLimitBytes: opts.logLimitBytes,
        route: this.link?.route,
      },
      transferList: this.link ? [this.link.route.port] : [],
      env: { ...containerEnv(), ...opts.env },
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: Math.max(16, opts.memoryMb) },
      stdout: false,
      stderr: false,
    });
    this.worker.on('message', (m: WorkerMsg) => this.onMessage(m));
    this.worker.on('error', (e: Error & { code?: string }) => {
      const msg =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `The action exhausted its memory limit of ${opts.memoryMb} MB.`
          : `The action did not produce a valid response and exited unexpectedly: ${e.message}`;
      this.die('crash', msg);
    });
    this.worker.on('exit', (code) => {
      this.die('crash', `The action did not produce a valid response and exited unexpectedly (exit code ${code}).`);
    });
  }

  private onMessage(m: WorkerMsg): void {
    if (m.t === 'ready') {
      this.ready = true;
      this.initTime = Date.now() - this.createdAt;
      return;
    }
    if (m.t === 'initError') {
      this.die('init', `Initialization has failed due to: ${m.error ?? 'unknown error'}`);
      return;
    }
    if (m.t === 'done' && m.id) {
      const p = this.inflight.get(m.id);
      if (!p) return;
      this.inflight.delete(m.id);
      clearTimeout(p.timer);
      if (this.inflight.size === 0) this.idleSince = Date.now();
      p.resolve({
        kind: m.kind ?? 'developer',
        result: m.result ?? '{}',
        logs: m.logs ?? [],
        ...(p.cold !== undefined ? { initTime: this.initTime ?? p.cold } : {}),
      });
      this.onGone(this); // not gone: lets the pool dispatch queued work (see Pool.onFree)
    }
  }

  run(
    id: string,
    params: Record<string, unknown>,
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<RunOutcome> {
    const cold = this.ready ? undefined : Date.now() - this.createdAt;
    return new Promise<RunOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.inflight.delete(id);
        resolve({
          kind: 'timeout',
          result: JSON.stringify({ error: `The action exceeded its time limits of ${timeoutMs} milliseconds.` }),
          logs: [],
        });
        // a timed-out container is not reused: its event loop may still be busy
        this.die('crash', 'The action was stopped with another activation that exceeded its time limit.');
      }, timeoutMs);
      this.inflight.set(id, { resolve, timer, cold });
      this.worker.postMessage(JSON.stringify({ t: 'run', id, params, env }));
    });
  }

  die(kind: OutcomeKind, message: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const [, p] of this.inflight) {
      clearTimeout(p.timer);
      p.resolve({ kind, result: JSON.stringify({ error: message }), logs: [] });
    }
    this.inflight.clear();
    this.link?.close();
    void this.worker.terminate().catch(() => undefined);
    this.onGone(this);
  }
}

interface Queued {
  id: string;
  params: Record<string, unknown>;
  env: Record<string, string>;
  timeoutMs: number;
  resolve: (o: RunOutcome) => void;
}

export class ActionPool {
  private containers: Container[] = [];
  private queue: Queued[] = [];
  private reaper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private opts: PoolOptions) {}

  get size(): number {
    return this.containers.length;
  }

  run(
    id: string,
    params: Record<string, unknown>,
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<RunOutcome> {
    if (this.closed) {
      return Promise.resolve({
        kind: 'crash',
        result: JSON.stringify({ error: 'The platform is shutting down.' }),
        logs: [],
      });
    }
    const c = this.pick();
    if (c) return c.run(id, params, env, timeoutMs);
    return new Promise((resolve) => this.queue.push({ id, params, env, timeoutMs, resolve }));
  }

  private pick(): Container | undefined {
    for (const c of this.containers) {
      if (!c.dead && !c.retiring && c.inflight.size < this.opts.concurrency) return c;
    }
    if (this.containers.length < this.opts.maxWorkers) {
      const c = new Container(this.opts, (x) => this.onFree(x));
      this.containers.push(c);
      this.ensureReaper();
      return c;
    }
    return undefined;
  }

  private onFree(c: Container): void {
    if (c.dead || (c.retiring && c.inflight.size === 0)) {
      this.containers = this.containers.filter((x) => x !== c);
      if (!c.dead) c.die('crash', 'recycled');
    }
    while (this.queue.length > 0) {
      const target = this.pick();
      if (!target) break;
      const q = this.queue.shift() as Queued;
      void target.run(q.id, q.params, q.env, q.timeoutMs).then(q.resolve);
    }
  }

  private ensureReaper(): void {
    if (this.reaper) return;
    const every = Math.max(250, Math.min(this.opts.idleMs / 2, 30_000));
    this.reaper = setInterval(() => {
      const now = Date.now();
      for (const c of [...this.containers]) {
        if (!c.dead && c.inflight.size === 0 && now - c.idleSince >= this.opts.idleMs) c.die('crash', 'idle');
      }
      if (this.containers.length === 0 && this.reaper) {
        clearInterval(this.reaper);
        this.reaper = undefined;
      }
    }, every);
    this.reaper.unref();
  }

  /** New code: running activations finish on the old workers, new ones get fresh workers. */
  recycle(update?: Partial<PoolOptions>): void {
    if (update) this.opts = { ...this.opts, ...update };
    for (const c of this.containers) {
      c.retiring = true;
      if (c.inflight.size === 0) c.die('crash', 'recycled');
    }
    this.containers = this.containers.filter((c) => !c.dead);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reaper) clearInterval(this.reaper);
    for (const q of this.queue)
      q.resolve({ kind: 'crash', result: JSON.stringify({ error: 'The platform is shutting down.' }), logs: [] });
    this.queue = [];
    const all = this.containers;
    this.containers = [];
    await Promise.all(
      all.map(async (c) => {
        c.die('crash', 'The platform is shutting down.');
        await c.worker.terminate().catch(() => undefined);
      }),
    );
  }
}
