/**
 * Helpers of the security tests: a platform bound to every interface, requests to it from
 * a non-loopback address of this machine (what another host on the network would be), and
 * the platform's own IMS token for its configured client.
 */
import http from 'node:http';
import os from 'node:os';
import { startTestPlatform } from '../platform/helpers';
import type { RunningPlatform } from '../../platform/core/server';

export type TestPlatform = RunningPlatform & { dataDir: string };

/** An IPv4 address of this machine that is not loopback (requests to it come from it). */
export function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** The platform on every interface (as with `--host 0.0.0.0`). */
export function startExposedPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  return startTestPlatform({ host: '0.0.0.0', env });
}

export interface Answer {
  status: number;
  body: string;
  json: Record<string, unknown>;
}

/**
 * One request to the platform at `address` (a non-loopback address: the platform sees a
 * remote caller). The Host header names 127.0.0.1, so only the caller's address differs
 * from a local request.
 */
export function request(
  p: TestPlatform,
  address: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = opts.body;
    const headers: Record<string, string> = { host: `127.0.0.1:${p.config.port}`, ...opts.headers };
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const req = http.request({ host: address, port: p.config.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
      // a live feed answers 200 and stays open: its status is the answer
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, body: '', json: {} });
        req.destroy();
      }
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A token of the platform's IMS for the client it accepts (urlencoded, as curl would post it). */
export async function platformToken(p: TestPlatform): Promise<string> {
  const res = await fetch(`${p.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: p.config.env.OAUTH_CLIENT_ID ?? '',
      client_secret: p.config.env.OAUTH_CLIENT_SECRET ?? '',
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`IMS token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export function basic(auth: string): string {
  return `Basic ${Buffer.from(auth).toString('base64')}`;
}
