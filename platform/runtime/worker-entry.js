/*
 * One "container" of an action: a worker thread that loads the action's bundle once and
 * runs activations on it, so module state persists between activations (warm reuse).
 *
 * Plain CommonJS JavaScript on purpose: a worker thread loads this file with Node's own
 * loader, whatever runs the platform (tsx, jest, compiled output).
 *
 * Messages in:  JSON text of {t: 'run', id, params, env}
 * Messages out: {t: 'ready'} | {t: 'initError', error} | {t: 'done', id, kind, result, logs}
 * Activations travel as JSON text: cloning a string is a copy, while the structured clone
 * of a params object costs several times JSON.stringify + JSON.parse.
 *   kind: 'ok' (result is a JSON string of an object), 'error' (result JSON {error}),
 *         'developer' (result JSON {error}: not a dictionary, unserialisable...)
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { AsyncLocalStorage } = require('node:async_hooks');
const util = require('node:util');

// trust NODE_EXTRA_CA_CERTS of the container's environment (the local CA of platform/proxy)
require('./container-trust')(process.env.NODE_EXTRA_CA_CERTS);
// the container's HTTP requests to the platform's own address go over a MessagePort, not TCP
require('./platform-route')(workerData.route);
delete workerData.route; // the port is the route's alone, not the action's

// AsyncLocalStorage attributes output to its activation when several run at once
// (concurrency > 1); it enables promise hooks, so a worker with one activation at a time
// does without it.
const als = workerData.concurrency > 1 ? new AsyncLocalStorage() : undefined;
/** logs of activations in flight, by id; used when the async context is lost */
const inflight = new Map();
/** OpenWhisk's per-activation log limit (`limits.logs`, 10 MB by default) */
const LOG_LIMIT = typeof workerData.logLimitBytes === 'number' ? workerData.logLimitBytes : 10 * 1024 * 1024;
const TRUNCATED = `Logs were truncated because the total bytes size exceeds the limit of ${LOG_LIMIT} bytes.`;

/**
 * The log of one activation, as OpenWhisk collects it from the container's stdout and
 * stderr: one `<ISO time> stdout: <line>` entry per line, partial lines kept until their end
 * (or the activation's), the whole capped at LOG_LIMIT bytes with OpenWhisk's marker.
 */
function newLog() {
  return { lines: [], bytes: 0, truncated: false, partial: { stdout: '', stderr: '' } };
}

function pushLine(log, stream, text) {
  if (log.truncated) return;
  const size = Buffer.byteLength(text);
  if (log.bytes + size > LOG_LIMIT) {
    log.truncated = true;
    log.lines.push(`${new Date().toISOString()} stderr: ${TRUNCATED}`);
    return;
  }
  log.bytes += size;
  log.lines.push(`${new Date().toISOString()} ${stream}: ${text}`);
}

function append(log, stream, text) {
  const parts = (log.partial[stream] + text).split('\n');
  log.partial[stream] = parts.pop();
  for (const line of parts) pushLine(log, stream, line);
}

function finish(log) {
  for (const stream of ['stdout', 'stderr']) {
    if (log.partial[stream] !== '') pushLine(log, stream, log.partial[stream]);
    log.partial[stream] = '';
  }
  return log.lines;
}

function current() {
  const log = als && als.getStore();
  if (log) return log;
  return inflight.size === 1 ? inflight.values().next().value : undefined;
}

/**
 * Capture at the stream level, as a container's output is captured: console.*, winston's
 * console transport (`console._stdout.write`, what aio-lib-core-logging uses) and direct
 * `process.stdout.write` all end here. Output outside any activation (module load) goes to
 * the platform's stderr, prefixed with the action's name.
 */
function hook(stream, name) {
  const original = stream.write.bind(stream);
  const fallback = process.stderr.write.bind(process.stderr);
  stream.write = function write(chunk, encoding, cb) {
    const done = typeof encoding === 'function' ? encoding : cb;
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    const log = current();
    if (log) append(log, name, text);
    else if (name === 'stderr') original(`[${workerData.name}] ${text}`);
    else fallback(`[${workerData.name}] ${text}`);
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
}
hook(process.stdout, 'stdout');
hook(process.stderr, 'stderr');

// the worker's console is the parent's in disguise: bind it to the hooked streams
const write =
  (stream) =>
  (...args) =>
    stream.write(`${util.format(...args)}\n`);
console.log = write(process.stdout);
console.info = write(process.stdout);
console.debug = write(process.stdout);
console.trace = write(process.stdout);
console.warn = write(process.stderr);
console.error = write(process.stderr);
console._stdout = process.stdout;
console._stderr = process.stderr;

let main;
try {
  const mod = require(workerData.bundle);
  // the function named by the action's `exec.main` (OpenWhisk's default: main)
  const name = workerData.main || 'main';
  main =
    (mod && typeof mod[name] === 'function' && mod[name]) ||
    (mod && mod.default && typeof mod.default[name] === 'function' && mod.default[name]) ||
    (mod && typeof mod.default === 'function' && mod.default) ||
    (typeof mod === 'function' && mod);
  if (!main) throw new Error(`the action's module exports no function '${name}'`);
  parentPort.postMessage({ t: 'ready' });
} catch (e) {
  parentPort.postMessage({ t: 'initError', error: e && e.message ? e.message : String(e) });
}

function errorResult(e) {
  if (e instanceof Error) return { error: e.message };
  return { error: e === undefined ? 'undefined' : e };
}

async function run(msg) {
  const logs = newLog();
  inflight.set(msg.id, logs);
  for (const [k, v] of Object.entries(msg.env)) process.env[k] = v;
  let kind = 'ok';
  let result;
  try {
    let r = await (als ? als.run(logs, () => main(msg.params)) : main(msg.params));
    if (r === undefined || r === null) r = {};
    if (typeof r !== 'object' || Array.isArray(r)) {
      kind = 'developer';
      result = JSON.stringify({ error: 'The action did not return a dictionary.' });
    } else {
      result = JSON.stringify(r);
      if (r.error !== undefined) kind = 'error';
    }
  } catch (e) {
    kind = 'error';
    try {
      result = JSON.stringify(errorResult(e));
    } catch {
      result = JSON.stringify({ error: String(e) });
    }
  }
  if (result === undefined) {
    kind = 'developer';
    result = JSON.stringify({ error: 'The action did not return a dictionary.' });
  }
  inflight.delete(msg.id);
  parentPort.postMessage({ t: 'done', id: msg.id, kind, result, logs: finish(logs) });
}

parentPort.on('message', (text) => {
  const msg = typeof text === 'string' ? JSON.parse(text) : text;
  if (msg && msg.t === 'run') {
    run(msg).catch((e) => {
      inflight.delete(msg.id);
      parentPort.postMessage({
        t: 'done',
        id: msg.id,
        kind: 'developer',
        result: JSON.stringify({ error: String(e) }),
        logs: [],
      });
    });
  }
});
