/**
 * Who may call the Commerce stand-in: OAuth 1.0a (HMAC-SHA256 or HMAC-SHA1) with the
 * consumer key/secret and access token/secret the app is configured with; the integration's
 * access token (COMMERCE_ACCESS_TOKEN) as a bearer token, as Commerce allows when its
 * "use OAuth access tokens as standalone bearer tokens" setting is on (so a `curl` can write,
 * as an admin would); or a bearer token issued by the platform's IMS (any bearer when the
 * IMS module is not loaded). Reads from 127.0.0.1 need none, so `curl` shows what arrived.
 */
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import OAuth from 'oauth-1.0a';
import type { PlatformContext } from '../core/types';
import { isLoopback } from '../core/http';
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

function sameSecret(given: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Throws Commerce's 401 unless the request may call the stand-in. */
export function checkCommerceAuth(req: FastifyRequest, ctx: PlatformContext): void {
  const auth = String(req.headers.authorization ?? '');
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  if (bearer?.[1]) {
    if (sameSecret(bearer[1], ctx.config.env?.COMMERCE_ACCESS_TOKEN)) return;
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
