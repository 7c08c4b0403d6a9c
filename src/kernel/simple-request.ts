/**
 * One small HTTP request over node:http / node:https, for the calls on an action's cold
 * path (the IMS token). Node's built-in fetch loads undici on its first call, which
 * costs more than the whole rest of a cold webhook request; this costs nothing to load.
 */
import http from 'node:http';
import https from 'node:https';

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RequestFailed';
  }
}

export function simpleRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  const body = opts.body ?? '';
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: { ...(opts.headers ?? {}), ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (e) => reject(new RequestFailed(`response from ${u.origin} broke off`, false, e)));
      },
    );
    req.on('timeout', () =>
      req.destroy(new RequestFailed(`no answer from ${u.origin} within ${opts.timeoutMs ?? 10_000} ms`, true)),
    );
    req.on('error', (e) =>
      reject(
        e instanceof RequestFailed ? e : new RequestFailed(`request to ${u.origin} failed: ${e.message}`, false, e),
      ),
    );
    req.end(body);
  });
}
