/**
 * One HTTP request over node:http / node:https: the IMS token, the Commerce and back-office
 * calls (src/kernel/call-target.ts). Node's built-in fetch loads undici on its first call,
 * which costs more than the whole rest of a cold webhook request, and per warm call it costs
 * about twice a node:http request in CPU (web streams, Headers, Request objects); this costs
 * nothing to load.
 *
 * Connections are kept alive: one `http.Agent` / `https.Agent` per container with
 * `keepAlive: true`, so a warm action's calls to one host share a connection (on Adobe, one
 * TLS handshake instead of one per call). An idle connection is closed one second before the
 * server's `Keep-Alive: timeout=` hint, which Node's agent reads; idle sockets are unref'd and
 * never hold the process. They are plain agents: whatever routes `http.Agent`'s connections
 * (a test, a local runtime) applies to them too.
 */
import http from 'node:http';
import https from 'node:https';

export interface SimpleResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    cause?: unknown,
    /** the answer had begun (status and headers arrived) when the exchange failed */
    readonly responded = false,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RequestFailed';
  }
}

/** The keep-alive agents of this container (one per protocol), shared by every call. */
export const keepAliveAgents = {
  http: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  https: new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

export interface SimpleRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** for the whole exchange, from the request to the last byte of the answer (default 10 s) */
  timeoutMs?: number;
}

export function simpleRequest(url: string, opts: SimpleRequestOptions = {}): Promise<SimpleResponse> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const body = opts.body ?? '';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let responded = false;
    const fail = (e: unknown, timedOut = false) => {
      clearTimeout(timer);
      reject(
        e instanceof RequestFailed
          ? e
          : new RequestFailed(
              responded
                ? `response from ${u.origin} broke off`
                : `request to ${u.origin} failed: ${e instanceof Error ? e.message : String(e)}`,
              timedOut,
              e,
              responded,
            ),
      );
    };
    const req = (secure ? https : http).request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: { ...(opts.headers ?? {}), ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        agent: secure ? keepAliveAgents.https : keepAliveAgents.http,
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new Error('aborted')));
      },
    );
    const timer = setTimeout(
      () =>
        req.destroy(new RequestFailed(`no answer from ${u.origin} within ${timeoutMs} ms`, true, undefined, responded)),
      timeoutMs,
    );
    req.on('error', (e) => fail(e));
    req.end(body);
  });
}
