/**
 * IMS (server-to-server OAuth): `POST /ims/token/v3` (also `/v2`, `/v1`), client credentials
 * as a urlencoded, JSON or `multipart/form-data` body (what `@adobe/aio-lib-ims` posts) →
 * `{access_token, token_type: "bearer", expires_in}` (seconds, as IMS answers).
 *
 * Only one client gets tokens: the pair the app is configured with, OAUTH_CLIENT_ID and
 * OAUTH_CLIENT_SECRET (from .env or the environment), or, when the user configured none,
 * the pair generated once in the data dir (platform/core/local-defaults.ts); compared in
 * constant time. A token records its client and org (OAUTH_ORG_ID); it is JWT-shaped with
 * Adobe's claims (platform/ims/token.ts) but valid only when found in the token table
 * (platform/ims/store.ts), for the client and org the platform accepts now. The same client
 * asking again gets its token back while more than half its lifetime is left, and the
 * table is capped, so a flood of requests cannot grow it. Other modules ask `ctx.ims`.
 * Errors are IMS's `{error, error_description}`.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ImsService, PlatformContext, PlatformModule } from '../core/types';
import { DIALECTS, PlatformError } from '../core/errors';
import { bearerToken, safeEqual } from '../core/access';
import { tokenStore, type TokenStore } from './store';
import { claimsOf, jwtShaped, tokenClaims } from './token';

const TOKEN_TTL_S = 86_399;

/** The request's form fields (urlencoded, JSON or multipart body), then query parameters not in it. */
function formOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const b = req.body;
  if (b && typeof b === 'object' && !Buffer.isBuffer(b)) {
    // multipart, already parsed into fields
    for (const [k, v] of Object.entries(b)) if (typeof v === 'string') out[k] = v;
  } else {
    const text = Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
    const ct = String(req.headers['content-type'] ?? '');
    if (ct.includes('json') && text) {
      try {
        const v: unknown = JSON.parse(text);
        if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
      } catch {
        /* ignore */
      }
    } else {
      for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    }
  }
  for (const [k, v] of Object.entries((req.query as Record<string, unknown>) ?? {}))
    if (typeof v === 'string' && !(k in out)) out[k] = v;
  return out;
}

/** The one client this IMS issues tokens to, and its org. */
function acceptedClient(ctx: PlatformContext): { clientId: string; secret: string; orgId: string } {
  const env = ctx.config.env ?? {};
  return {
    clientId: env.OAUTH_CLIENT_ID ?? '',
    secret: env.OAUTH_CLIENT_SECRET ?? '',
    orgId: env.OAUTH_ORG_ID ?? '',
  };
}

function checkGrant(f: Record<string, string>, ctx: PlatformContext): { clientId: string; orgId: string } {
  if (f.grant_type !== 'client_credentials') {
    throw new PlatformError(
      400,
      'unsupported_grant_type',
      `grant_type must be client_credentials, got ${f.grant_type ?? 'none'}`,
    );
  }
  if (!f.client_id) throw new PlatformError(400, 'invalid_request', 'client_id is missing');
  if (!f.client_secret) throw new PlatformError(400, 'invalid_request', 'client_secret is missing');
  const want = acceptedClient(ctx);
  // both compared, always, so that the time taken says nothing about which one differs
  const idOk = safeEqual(f.client_id, want.clientId);
  const secretOk = safeEqual(f.client_secret, want.secret);
  if (!want.clientId || !want.secret || !idOk || !secretOk)
    throw new PlatformError(401, 'invalid_client', 'invalid client_id or client_secret');
  return { clientId: want.clientId, orgId: want.orgId };
}

function issue(tokens: TokenStore, client: { clientId: string; orgId: string }, scope: string | null) {
  const now = Date.now();
  const ttlMs = TOKEN_TTL_S * 1000;
  const reused = tokens.reusable(client.clientId, client.orgId, scope, now + ttlMs / 2);
  if (reused) {
    return {
      access_token: reused.token,
      token_type: 'bearer',
      expires_in: Math.floor((reused.expiresAt - now) / 1000),
    };
  }
  const token = jwtShaped(tokenClaims(client.clientId, client.orgId, scope, now, ttlMs));
  tokens.insertToken({ token, ...client, scope, createdAt: now, expiresAt: now + ttlMs });
  tokens.pruneTokens(now);
  return { access_token: token, token_type: 'bearer', expires_in: TOKEN_TTL_S };
}

function registerTokenRoutes(scope: FastifyInstance, ctx: PlatformContext, tokens: TokenStore, ims: ImsService): void {
  const token = async (req: FastifyRequest, reply: FastifyReply) => {
    const f = formOf(req);
    const client = checkGrant(f, ctx);
    return reply.send(issue(tokens, client, f.scope || null));
  };
  scope.post('/ims/token/v3', token);
  scope.post('/ims/token/v2', token);
  scope.post('/ims/token/v1', token);
  scope.all('/ims/validate_token/v1', async (req, reply) => {
    const f = formOf(req);
    const t = f.token ?? bearerToken(req) ?? '';
    const info = t ? ims.tokenInfo(t) : undefined;
    if (!info || (f.client_id && f.client_id !== info.clientId))
      return reply.send({ valid: false, reason: 'invalid_token' });
    return reply.send({ valid: true, token: claimsOf(t) ?? {}, expires_at: info.expiresAt });
  });
}

/** What other modules ask: is the token one this IMS issued, unexpired, to the client and org accepted now. */
function imsService(ctx: PlatformContext, tokens: TokenStore): ImsService {
  const tokenInfo = (token: string) => {
    const row = tokens.find(token);
    const want = acceptedClient(ctx);
    if (!row || row.clientId !== want.clientId || row.orgId !== want.orgId) return undefined;
    return { clientId: row.clientId, orgId: row.orgId, expiresAt: row.expiresAt };
  };
  return { isValid: (t) => tokenInfo(t) !== undefined, tokenInfo };
}

export function imsModule(): PlatformModule {
  return {
    name: 'ims',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      const tokens = tokenStore(ctx.db);
      const ims = imsService(ctx, tokens);
      ctx.ims = ims;
      ctx.errors.register('/ims', DIALECTS.ims);
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
        // @adobe/aio-lib-ims posts its forms as multipart/form-data
        await scope.register(multipart, {
          attachFieldsToBody: 'keyValues',
          limits: { fields: 32, fieldSize: 64 * 1024, files: 0, parts: 32 },
        });
        registerTokenRoutes(scope, ctx, tokens, ims);
      });
    },
  };
}
