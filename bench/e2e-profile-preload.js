/**
 * CPU profiles of the action containers (worker threads) for `bench/e2e-peer.ts --profile`.
 * The platform starts its containers with `execArgv: []`, so `node --cpu-prof` profiles only
 * the main thread. Preloaded into the platform (`--require`), this file wraps
 * `worker_threads.Worker`: each container starts in this same file, which starts the V8
 * profiler (node:inspector) and then loads the container's real entry. After
 * BENCH_WORKER_PROFILE_MS (default 10 s) each container writes what it sampled to
 * BENCH_PROFILE_DIR as `worker-<action>-<thread>-<n>.cpuprofile` and starts a new window, so
 * the files of one container cover its whole life but the last window.
 * Measurement only: never loaded outside the benchmark.
 */
/* global __filename */
'use strict';
const wt = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');

const FLAG = '--bench-profile-entry';

if (wt.isMainThread) {
  const Original = wt.Worker;
  const dir = process.env.BENCH_PROFILE_DIR;
  const ms = process.env.BENCH_WORKER_PROFILE_MS || '10000';
  class ProfiledWorker extends Original {
    constructor(entry, opts = {}) {
      if (!dir || typeof entry !== 'string' || opts.eval) {
        super(entry, opts);
        return;
      }
      super(__filename, { ...opts, argv: [...(opts.argv || []), FLAG, entry, dir, ms] });
    }
  }
  wt.Worker = ProfiledWorker;
} else {
  const at = process.argv.indexOf(FLAG);
  if (at >= 0) {
    const [entry, dir, ms] = process.argv.slice(at + 1, at + 4);
    process.argv.splice(at, 4);
    const { Session } = require('node:inspector');
    const session = new Session();
    session.connect();
    const name = String((wt.workerData && wt.workerData.name) || 'action').replace(/[^\w.-]/g, '_');
    let n = 0;
    const windowEnd = () => {
      session.post('Profiler.stop', (err, res) => {
        if (!err && res) {
          const file = path.join(dir, `worker-${name}-${wt.threadId}-${++n}.cpuprofile`);
          fs.writeFileSync(file, JSON.stringify(res.profile));
        }
        session.post('Profiler.start', () => setTimeout(windowEnd, Number(ms)).unref());
      });
    };
    session.post('Profiler.enable', () =>
      session.post('Profiler.start', () => setTimeout(windowEnd, Number(ms)).unref()),
    );
    require(entry);
  }
}
