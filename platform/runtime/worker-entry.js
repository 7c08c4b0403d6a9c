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

// AsyncLocalStorage attributes console output to its activation when several run at once
// (concurrency > 1); it enables promise hooks, so a worker with one activation at a time
// does without it.
const als = workerData.concurrency > 1 ? new AsyncLocalStorage() : undefined;
/** logs of activations in flight, by id; used when the async context is lost */
const inflight = new Map();

function capture(stream) {
  return (...args) => {
    const line = `${new Date().toISOString()} ${stream}: ${util.format(...args)}`;
    let logs = als && als.getStore();
    if (!logs && inflight.size === 1) logs = inflight.values().next().value;
    if (logs) {
      if (logs.length < 10000) logs.push(line);
    } else {
      process.stderr.write(`[${workerData.name}] ${line}\n`);
    }
  };
}
console.log = capture('stdout');
console.info = capture('stdout');
console.debug = capture('stdout');
console.trace = capture('stdout');
console.warn = capture('stderr');
console.error = capture('stderr');

let main;
try {
  const mod = require(workerData.bundle);
  main =
    (mod && typeof mod.main === 'function' && mod.main) ||
    (mod && mod.default && typeof mod.default.main === 'function' && mod.default.main) ||
    (mod && typeof mod.default === 'function' && mod.default) ||
    (typeof mod === 'function' && mod);
  if (!main) throw new Error(`the action's module exports no function 'main'`);
  parentPort.postMessage({ t: 'ready' });
} catch (e) {
  parentPort.postMessage({ t: 'initError', error: e && e.message ? e.message : String(e) });
}

function errorResult(e) {
  if (e instanceof Error) return { error: e.message };
  return { error: e === undefined ? 'undefined' : e };
}

async function run(msg) {
  const logs = [];
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
  parentPort.postMessage({ t: 'done', id: msg.id, kind, result, logs });
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
