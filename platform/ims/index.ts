/**
 * IMS (server-to-server OAuth): `POST /ims/token/v3` (also `/ims/token/v2`), form-encoded
 * client credentials → `{access_token, token_type: "bearer", expires_in}` (seconds, as IMS
 * answers). When the user configured OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET (in .env or the
 * environment), only that pair is accepted; otherwise the generated local pair and any
 * other pair are (a fresh clone needs no configuration). Tokens are kept in SQLite
 * (platform/ims/store.ts) so that `GET /ims/validate_token/v1` and other modules, through
 * `ctx.ims`, can check them. Errors are IMS's `{error, error_description}`.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformContext, PlatformModule } from '../core/types';
import { DIALECTS, PlatformError } from '../core/errors';
import { tokenStore, type TokenStore } from './store';

export { isValidImsToken } from './store';

const TOKEN_TTL_S = 86_399;

/** The request's form fields (form-encoded or JSON body), then query parameters not in it. */
function formOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const b = req.body;
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
  for (const [k, v] of Object.entries((req.query as Record<string, unknown>) ?? {}))
    if (typeof v === 'string' && !(k in out)) out[k] = v;
  return out;
}

function registerTokenRoutes(scope: FastifyInstance, ctx: PlatformContext, tokens: TokenStore): void {
  const token = async (req: FastifyRequest, reply: FastifyReply) => {
    const f = formOf(req);
    if (f.grant_type !== 'client_credentials') {
      throw new PlatformError(
        400,
        'unsupported_grant_type',
        `grant_type must be client_credentials, got ${f.grant_type ?? 'none'}`,
      );
    }
    if (!f.client_id) throw new PlatformError(400, 'invalid_request', 'client_id is missing');
    if (!f.client_secret) throw new PlatformError(400, 'invalid_request', 'client_secret is missing');
    const user = ctx.config.appEnv ?? {};
    const expectedId = user.OAUTH_CLIENT_ID || undefined;
    const expectedSecret = user.OAUTH_CLIENT_SECRET || undefined;
    if (expectedId && expectedSecret && (f.client_id !== expectedId || f.client_secret !== expectedSecret)) {
      throw new PlatformError(401, 'invalid_client', 'invalid client_id or client_secret');
    }
    const tok = `eyLOCAL.${crypto.randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    tokens.insertToken(tok, f.client_id, f.scope ?? null, now + TOKEN_TTL_S * 1000);
    tokens.pruneTokens(now);
    return reply.send({ access_token: tok, token_type: 'bearer', expires_in: TOKEN_TTL_S });
  };
  scope.post('/ims/token/v3', token);
  scope.post('/ims/token/v2', token);
  scope.post('/ims/token/v1', token);
  scope.all('/ims/validate_token/v1', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const h = String(req.headers.authorization ?? '');
    const t = q.token ?? (h.toLowerCase().startsWith('bearer ') ? h.slice(7) : '');
    return reply.send({ valid: !!t && tokens.isValid(t) });
  });
}

export function imsModule(): PlatformModule {
  return {
    name: 'ims',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      const tokens = tokenStore(ctx.db);
      ctx.ims = { isValid: (t) => tokens.isValid(t) };
      ctx.errors.register('/ims', DIALECTS.ims);
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
        registerTokenRoutes(scope, ctx, tokens);
      });
    },
  };
}
