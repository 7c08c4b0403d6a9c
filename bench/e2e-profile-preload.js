/**
 * CPU profiles of the platform's threads for `bench/e2e-peer.ts --profile`: the main thread
 * and every action container (worker thread), over one window the benchmark chooses.
 * Preloaded into the platform (`--require`), this file
 *
 * - wraps `worker_threads.Worker`: the platform starts its containers with `execArgv: []`,
 *   so each container starts in this same file instead, which then loads its real entry;
 * - on SIGUSR2 starts the V8 profiler (node:inspector) in the main thread and, through a
 *   BroadcastChannel, in every container; on the next SIGUSR2 stops them all, and each thread
 *   writes what it sampled to BENCH_PROFILE_DIR as `main.cpuprofile` or
 *   `worker-<action>-<thread>.cpuprofile`, with the thread's user + sys CPU time over the
 *   window (`threadCpuMs`, from /proc/thread-self/stat): under load a profile's busy time
 *   counts the time a thread waited for a core, its CPU time does not.
 *
 * Measurement only: never loaded outside the benchmark.
 */
/* global __filename */
'use strict';
const wt = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { Session } = require('node:inspector');

const FLAG = '--bench-profile-entry';
const CHANNEL = 'bench-profile';

/** this thread's user + sys CPU time, ms (/proc/thread-self/stat, in clock ticks of 10 ms) */
function threadCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** start or stop (writing `file`, with the thread's CPU time over the window) this thread's profiler */
function profiler() {
  const session = new Session();
  session.connect();
  let on = false;
  let cpuAtStart = 0;
  return (command, file) => {
    if (command === 'start' && !on) {
      on = true;
      cpuAtStart = threadCpuMs();
      session.post('Profiler.enable', () => session.post('Profiler.start'));
    } else if (command === 'stop' && on) {
      on = false;
      const threadCpu = threadCpuMs() - cpuAtStart;
      session.post('Profiler.stop', (err, res) => {
        if (!err && res) fs.writeFileSync(file, JSON.stringify({ ...res.profile, threadCpuMs: threadCpu }));
      });
    }
  };
}

const dir = process.env.BENCH_PROFILE_DIR;
if (wt.isMainThread && dir) {
  const Original = wt.Worker;
  class ProfiledWorker extends Original {
    constructor(entry, opts = {}) {
      if (typeof entry !== 'string' || (opts && opts.eval)) super(entry, opts);
      else super(__filename, { ...opts, argv: [...((opts && opts.argv) || []), FLAG, entry, dir, String(running)] });
    }
  }
  let running = false; // a container started during the window profiles from its start
  wt.Worker = ProfiledWorker;
  const channel = new wt.BroadcastChannel(CHANNEL);
  channel.unref();
  const toggle = profiler();
  process.on('SIGUSR2', () => {
    running = !running;
    const command = running ? 'start' : 'stop';
    toggle(command, path.join(dir, 'main.cpuprofile'));
    channel.postMessage(command);
  });
} else if (!wt.isMainThread) {
  const at = process.argv.indexOf(FLAG);
  if (at >= 0) {
    const [entry, out, running] = process.argv.slice(at + 1, at + 4);
    process.argv.splice(at, 4);
    const name = String((wt.workerData && wt.workerData.name) || 'action').replace(/[^\w.-]/g, '_');
    const toggle = profiler();
    const channel = new wt.BroadcastChannel(CHANNEL);
    channel.unref();
    const file = path.join(out, `worker-${name}-${wt.threadId}.cpuprofile`);
    channel.onmessage = (m) => toggle(m.data, file);
    if (running === 'true') toggle('start', file);
    require(entry);
  }
}
