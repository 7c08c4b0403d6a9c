/**
 * Who may call the stand-ins. Commerce: OAuth 1.0a (HMAC-SHA256 or HMAC-SHA1) with the
 * consumer key/secret and access token/secret the app is configured with; the integration's
 * access token (COMMERCE_ACCESS_TOKEN) as a bearer token, as Commerce allows when its
 * "use OAuth access tokens as standalone bearer tokens" setting is on (so a `curl` can write,
 * as an admin would); or a bearer token issued by the platform's IMS (any bearer when the
 * IMS module is not loaded); reads from the loopback interface need none, so `curl` shows
 * what arrived. Back office: `x-api-key` equal to BACKOFFICE_API_KEY; a GET without a key
 * from the loopback interface is allowed. The failure switches (`/{system}/_control/fail`):
 * loopback callers, or the namespace key or a platform token from elsewhere
 * (platform/core/access.ts).
 */
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import OAuth from 'oauth-1.0a';
import type { PlatformContext } from '../core/types';
import { requireOperator, safeEqual } from '../core/access';
import { header, isLoopback } from '../core/http';
import { commerceError } from './rest/route';

const NOT_AUTHORIZED = "The consumer isn't authorized to access %resources.";

/** Parse `Authorization: OAuth k="v", ...` */
export function parseOAuthHeader(h: string): Record<string, string> | undefined {
  if (!/^OAuth\s/i.test(h)) return undefined;
  const out: Record<string, string> = {};
  for (const m of h.slice(6).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    if (m[1] && m[2] !== undefined) out[m[1]] = decodeURIComponent(m[2]);
  }
  return out;
}

function checkOAuthSignature(req: FastifyRequest, o: Record<string, string>, env: Record<string, string>): void {
  const ck = env.COMMERCE_CONSUMER_KEY;
  const cs = env.COMMERCE_CONSUMER_SECRET;
  const at = env.COMMERCE_ACCESS_TOKEN;
  const ats = env.COMMERCE_ACCESS_TOKEN_SECRET;
  if (!ck || !cs || !at || !ats)
    throw commerceError(
      401,
      'The stand-in has no COMMERCE_CONSUMER_KEY/SECRET and COMMERCE_ACCESS_TOKEN/SECRET to check against',
    );
  if (o.oauth_consumer_key !== ck || o.oauth_token !== at)
    throw commerceError(401, NOT_AUTHORIZED, { resources: 'unknown consumer key or token' });
  const method = o.oauth_signature_method ?? 'HMAC-SHA256';
  const algo = method === 'HMAC-SHA1' ? 'sha1' : method === 'HMAC-SHA256' ? 'sha256' : undefined;
  if (!algo) throw commerceError(401, `unsupported oauth_signature_method ${method}`);
  const oauth = new OAuth({
    consumer: { key: ck, secret: cs },
    signature_method: method,
    hash_function: (text: string, key: string) => crypto.createHmac(algo, key).update(text).digest('base64'),
  });
  const { oauth_signature: sig, ...params } = o;
  const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url}`;
  const expected = oauth.getSignature({ url, method: req.method }, ats, params as unknown as OAuth.Data);
  const a = Buffer.from(expected);
  const b = Buffer.from(sig ?? '');
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    throw commerceError(401, 'The signature is invalid. Verify and try again.');
  }
}

/** Throws Commerce's 401 unless the request may call the stand-in. */
export function checkCommerceAuth(req: FastifyRequest, ctx: PlatformContext): void {
  const auth = String(req.headers.authorization ?? '');
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  if (bearer?.[1]) {
    const accessToken = ctx.config.env?.COMMERCE_ACCESS_TOKEN;
    if (accessToken && safeEqual(bearer[1], accessToken)) return;
    // asked at request time: the IMS module may register after this one
    const ims = ctx.ims;
    if (!ims || ims.isValid(bearer[1])) return;
    throw commerceError(401, NOT_AUTHORIZED, { resources: 'bearer token not issued by the platform IMS' });
  }
  const o = parseOAuthHeader(auth);
  if (!o) {
    if (req.method === 'GET' && isLoopback(req.socket.remoteAddress)) return;
    throw commerceError(401, NOT_AUTHORIZED, { resources: 'OAuth 1.0a or bearer authorization required' });
  }
  checkOAuthSignature(req, o, ctx.config.env ?? {});
}

type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** A failure switch, open to loopback callers and, from elsewhere, the namespace key or a platform token. */
export function guardControl(ctx: PlatformContext, handler: Handler): Handler {
  return async (req, reply) => {
    requireOperator(req, ctx.config.auth, ctx.ims, 'the failure switch');
    return handler(req, reply);
  };
}

/**
 * Throws Commerce's 401 unless `x-api-key` is BACKOFFICE_API_KEY (any non-empty key when
 * it is not set); `readFromLoopback` lets a GET without a key from the loopback interface
 * through (a given key must still be right).
 */
export function checkBackofficeKey(req: FastifyRequest, ctx: PlatformContext, readFromLoopback: boolean): void {
  const key = header(req, 'x-api-key') ?? '';
  if (!key && readFromLoopback && isLoopback(req.socket.remoteAddress)) return;
  const expected = ctx.config.env.BACKOFFICE_API_KEY;
  if (!key || (expected && !safeEqual(key, expected)))
    throw commerceError(401, 'x-api-key header equal to BACKOFFICE_API_KEY is required', { fieldName: 'x-api-key' });
}
