// node-fetch 2 is the HTTP client of @adobe/aio-lib-core-networking, through which
// @adobe/aio-lib-state (every State get/put of a handler) and @adobe/aio-lib-events (the
// webhook's publish) make their requests. Per call it builds a Request, a Headers, a Body and a
// PassThrough stream for the answer: about 0.13 ms of CPU above a plain node:http request
// (measured against the local State stand-in), four times per handler event. This stand-in
// makes the same requests over node:http / node:https and buffers the answer, which is all
// those libraries read (ok, status, statusText, url, headers.get / raw, text, json).
//
// What it keeps of node-fetch's contract: the default Accept and User-Agent headers, a
// text/plain;charset=UTF-8 (or form) Content-Type for a string (or URLSearchParams) body,
// Content-Length, the `agent` (object or function of the URL), `timeout` (FetchError
// 'request-timeout'), `signal` (AbortError), `redirect` ('follow' up to `follow` hops, dropping
// credentials on a cross-host hop, 303 and POST→301/302 become GET; 'manual'; 'error'),
// `size`, FetchError 'system' with the socket's code, a body read once ('body used already'),
// `clone()`, and `fetch.Headers / Request / Response / FetchError / isRedirect`. What it
// leaves out: response compression (it does not ask for gzip, so servers send plain bytes)
// and a streaming body (`body` is a stream over the buffered bytes).
//
// Without an `agent` it uses the container's keep-alive agents (plain http.Agent /
// https.Agent): a warm action's calls to one host share a connection, on any Node version,
// instead of depending on Node's global agent (keep-alive only since Node 19).
'use strict';
const http = require('http');
const https = require('https');
const { Readable } = require('stream');

const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

class FetchError extends Error {
  constructor(message, type, systemError) {
    super(message);
    this.name = 'FetchError';
    this.type = type;
    if (systemError) {
      this.code = this.errno = systemError.code;
      this.erroredSysCall = systemError.syscall;
    }
  }
}

class AbortError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AbortError';
    this.type = 'aborted';
  }
}

class Headers {
  constructor(init) {
    this._map = new Map();
    if (init instanceof Headers) init.forEach((v, k) => this.append(k, v));
    else if (init && typeof init[Symbol.iterator] === 'function') for (const [k, v] of init) this.append(k, v);
    else if (init && typeof init === 'object') for (const k of Object.keys(init)) this.append(k, init[k]);
  }
  append(k, v) {
    const name = String(k).toLowerCase();
    const list = this._map.get(name);
    if (list) list.push(String(v));
    else this._map.set(name, [String(v)]);
  }
  set(k, v) {
    this._map.set(String(k).toLowerCase(), [String(v)]);
  }
  get(k) {
    const list = this._map.get(String(k).toLowerCase());
    return list === undefined ? null : list.join(', ');
  }
  has(k) {
    return this._map.has(String(k).toLowerCase());
  }
  delete(k) {
    this._map.delete(String(k).toLowerCase());
  }
  forEach(fn, thisArg) {
    for (const [k] of this.entries()) fn.call(thisArg, this.get(k), k, this);
  }
  raw() {
    const out = {};
    for (const [k, list] of this._map) out[k] = list.slice();
    return out;
  }
  /** as node:http takes them: one string per name, an array for a repeated one */
  _node() {
    const out = {};
    for (const [k, list] of this._map) out[k] = list.length === 1 ? list[0] : list.slice();
    return out;
  }
  *entries() {
    for (const k of [...this._map.keys()].sort()) yield [k, this.get(k)];
  }
  *keys() {
    for (const [k] of this.entries()) yield k;
  }
  *values() {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

/** Everything but a stream as one Buffer (null: no body); a stream stays a stream. */
function bodyBytes(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  if (typeof body.pipe === 'function') return body;
  return Buffer.from(String(body));
}

function contentTypeOf(body) {
  if (typeof body === 'string') return 'text/plain;charset=UTF-8';
  if (body instanceof URLSearchParams) return 'application/x-www-form-urlencoded;charset=UTF-8';
  if (body === null || body === undefined || Buffer.isBuffer(body) || typeof body.pipe === 'function') return null;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return null;
  return 'text/plain;charset=UTF-8';
}

class Request {
  constructor(input, init = {}) {
    const from = input instanceof Request ? input : null;
    this.url = from ? from.url : new URL(String(input)).toString();
    this.method = String(init.method || (from && from.method) || 'GET').toUpperCase();
    this.headers = new Headers(init.headers || (from && from.headers) || {});
    const body = init.body !== undefined ? init.body : from ? from.body : null;
    if (body !== null && body !== undefined && (this.method === 'GET' || this.method === 'HEAD'))
      throw new TypeError('Request with GET/HEAD method cannot have body');
    this.body = body === undefined ? null : body;
    const type = contentTypeOf(this.body);
    if (type && !this.headers.has('Content-Type')) this.headers.append('Content-Type', type);
    const pick = (k, d) => (init[k] !== undefined ? init[k] : from ? from[k] : d);
    this.redirect = pick('redirect', 'follow');
    this.follow = pick('follow', 20);
    this.counter = pick('counter', 0);
    this.agent = pick('agent', undefined);
    this.signal = pick('signal', null);
    this.timeout = pick('timeout', 0);
    this.size = pick('size', 0);
  }
}

class Response {
  constructor(body, init = {}) {
    this._bytes = body === undefined || body === null ? Buffer.alloc(0) : bodyBytes(body);
    this._used = false;
    this.url = init.url || '';
    this.status = init.status || 200;
    this.statusText = init.statusText || '';
    this.headers = new Headers(init.headers);
    this.redirected = (init.counter || 0) > 0;
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed() {
    return this._used;
  }
  get body() {
    return Readable.from(this._bytes.length ? [this._bytes] : []);
  }
  _consume() {
    if (this._used) return Promise.reject(new TypeError(`body used already for: ${this.url}`));
    this._used = true;
    return Promise.resolve(this._bytes);
  }
  buffer() {
    return this._consume();
  }
  arrayBuffer() {
    return this._consume().then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  text() {
    return this._consume().then((b) => b.toString());
  }
  json() {
    return this.text().then((t) => {
      try {
        return JSON.parse(t);
      } catch (err) {
        throw new FetchError(`invalid json response body at ${this.url} reason: ${err.message}`, 'invalid-json');
      }
    });
  }
  clone() {
    if (this._used) throw new Error('cannot clone body after it is used');
    const r = new Response(this._bytes, {
      url: this.url,
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
    r.redirected = this.redirected;
    return r;
  }
}

const pairs = (flat) => {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
};
const isRedirect = (code) => code === 301 || code === 302 || code === 303 || code === 307 || code === 308;
const sameSite = (a, b) => {
  const x = new URL(a);
  const y = new URL(b);
  return x.protocol === y.protocol && (y.hostname === x.hostname || y.hostname.endsWith(`.${x.hostname}`));
};

function nodeFetch(input, init) {
  let request;
  try {
    request = new Request(input, init);
  } catch (err) {
    return Promise.reject(err);
  }
  const url = new URL(request.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return Promise.reject(new TypeError('Only HTTP(S) protocols are supported'));
  return new Promise((resolve, reject) => {
    const { signal } = request;
    if (signal && signal.aborted) return reject(new AbortError('The user aborted a request.'));
    const headers = new Headers(request.headers);
    if (!headers.has('Accept')) headers.set('Accept', '*/*');
    if (!headers.has('User-Agent')) headers.set('User-Agent', 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)');
    const bytes = bodyBytes(request.body);
    if (Buffer.isBuffer(bytes)) headers.set('Content-Length', String(bytes.length));
    else if (bytes === null && (request.method === 'POST' || request.method === 'PUT'))
      headers.set('Content-Length', '0');
    const agent = typeof request.agent === 'function' ? request.agent(url) : request.agent || agents[url.protocol];

    let timer;
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', onAbort);
      fn(value);
    };
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: request.method,
      headers: headers._node(),
      agent,
    });
    const onAbort = () => {
      finish(reject, new AbortError('The user aborted a request.'));
      req.destroy();
    };
    if (signal) signal.addEventListener('abort', onAbort);
    if (request.timeout > 0)
      timer = setTimeout(() => {
        finish(reject, new FetchError(`network timeout at: ${request.url}`, 'request-timeout'));
        req.destroy();
      }, request.timeout);
    req.on('error', (err) =>
      finish(reject, new FetchError(`request to ${request.url} failed, reason: ${err.message}`, 'system', err)),
    );
    req.on('response', (res) => {
      const status = res.statusCode;
      if (isRedirect(status) && request.redirect !== 'manual') {
        res.resume();
        const location = res.headers.location;
        if (request.redirect === 'error')
          return finish(
            reject,
            new FetchError(
              `uri requested responds with a redirect, redirect mode is set to error: ${request.url}`,
              'no-redirect',
            ),
          );
        if (location !== undefined) {
          let next;
          try {
            next = new URL(location, request.url).toString();
          } catch {
            return finish(
              reject,
              new FetchError(`uri requested responds with an invalid redirect URL: ${location}`, 'invalid-redirect'),
            );
          }
          if (request.counter >= request.follow)
            return finish(reject, new FetchError(`maximum redirect reached at: ${request.url}`, 'max-redirect'));
          if (status !== 303 && bytes !== null && !Buffer.isBuffer(bytes))
            return finish(
              reject,
              new FetchError('Cannot follow redirect with body being a readable stream', 'unsupported-redirect'),
            );
          const nextHeaders = new Headers(request.headers);
          if (!sameSite(request.url, next))
            for (const h of ['authorization', 'www-authenticate', 'cookie', 'cookie2']) nextHeaders.delete(h);
          const toGet = status === 303 || ((status === 301 || status === 302) && request.method === 'POST');
          if (toGet) nextHeaders.delete('content-length');
          return finish(
            resolve,
            nodeFetch(next, {
              method: toGet ? 'GET' : request.method,
              headers: nextHeaders,
              body: toGet ? null : request.body,
              redirect: request.redirect,
              follow: request.follow,
              counter: request.counter + 1,
              agent: request.agent,
              signal,
              timeout: request.timeout,
              size: request.size,
            }),
          );
        }
      }
      const chunks = [];
      let length = 0;
      res.on('data', (c) => {
        length += c.length;
        if (request.size > 0 && length > request.size) {
          finish(reject, new FetchError(`content size at ${request.url} over limit: ${request.size}`, 'max-size'));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('error', (err) =>
        finish(
          reject,
          new FetchError(`Invalid response body while trying to fetch ${request.url}: ${err.message}`, 'system', err),
        ),
      );
      res.on('aborted', () =>
        finish(reject, new FetchError(`Invalid response body while trying to fetch ${request.url}: aborted`, 'system')),
      );
      res.on('end', () =>
        finish(
          resolve,
          new Response(Buffer.concat(chunks, length), {
            url: request.url,
            status,
            statusText: res.statusMessage,
            headers: pairs(res.rawHeaders),
            counter: request.counter,
          }),
        ),
      );
    });
    if (Buffer.isBuffer(bytes)) req.end(bytes);
    else if (bytes) bytes.pipe(req);
    else req.end();
  });
}

nodeFetch.isRedirect = isRedirect;
nodeFetch.Promise = Promise;
nodeFetch.Headers = Headers;
nodeFetch.Request = Request;
nodeFetch.Response = Response;
nodeFetch.FetchError = FetchError;
nodeFetch.AbortError = AbortError;
nodeFetch.agents = agents;

module.exports = nodeFetch;
module.exports.default = nodeFetch;
module.exports.Headers = Headers;
module.exports.Request = Request;
module.exports.Response = Response;
module.exports.FetchError = FetchError;
module.exports.AbortError = AbortError;
