/**
 * Request guards every surface shares, run before routing reads a body:
 *
 * - Host allowlist (DNS rebinding): a page on a domain its owner points at 127.0.0.1 would
 *   otherwise read traces and keys through the user's browser. Only names that cannot be
 *   rebound by a third party pass: 127.0.0.1, localhost (and `*.localhost`), [::1], the
 *   configured host and base URL, Adobe's own hosts (routed to the platform for the
 *   processes it starts), and `PLATFORM_ALLOWED_HOSTS` (comma-separated, e.g. a tunnel).
 * - Origin on state-changing requests (cross-site requests): absent (every non-browser
 *   client) or this server under an allowed name; a browser always sends it on POST.
 * - JSON content type on state-changing requests to the platform's own APIs: a cross-site
 *   form or `text/plain` fetch cannot send `application/json` without a CORS preflight.
 *
 * The web-action surface (`/api/v1/web/...`) is the user's app: it answers any origin (with
 * OpenWhisk's `access-control-allow-origin: *`) and any content type, so none of these apply.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PlatformConfig } from './types';
import { PlatformError } from './errors';

/** Paths of the user's app: OpenWhisk web actions answer any host, origin and content type. */
const WEB_ACTIONS = '/api/v1/web/';

/** The platform's own APIs: a state-changing request there must carry JSON (or no body). */
const JSON_ONLY = ['/events/', '/console/api/', '/commerce/_control/', '/backoffice/_control/'];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Loopback names, and domains whose DNS only their owner (here: Adobe) controls. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const TRUSTED_SUFFIXES = ['.localhost', '.adobe.io', '.adobelogin.com', '.adobeioruntime.net'];

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\s*(;|$)/i;

/** `host[:port]` (`[v6]:port` too) → lower-case hostname without brackets, and the port. */
export function splitHost(value: string): { hostname: string; port: string } {
  const v = value.trim().toLowerCase();
  const m = /^\[([^\]]*)\](?::(\d*))?$/.exec(v) ?? /^([^:]*)(?::(\d*))?$/.exec(v);
  return m ? { hostname: m[1] ?? '', port: m[2] ?? '' } : { hostname: v, port: '' };
}

export function allowedHostnames(cfg: Pick<PlatformConfig, 'host' | 'baseUrl' | 'env'>): Set<string> {
  const names = new Set(LOOPBACK);
  names.add(splitHost(cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host).hostname);
  try {
    names.add(splitHost(new URL(cfg.baseUrl).host).hostname);
  } catch {
    /* a base URL that does not parse adds nothing */
  }
  for (const h of (cfg.env.PLATFORM_ALLOWED_HOSTS ?? '').split(',')) if (h.trim()) names.add(splitHost(h).hostname);
  return names;
}

export interface RequestGuards {
  /** throws a 403 or 415 PlatformError when the request must not reach a route */
  check(req: Pick<FastifyRequest, 'method' | 'url' | 'headers'>): void;
}

export function requestGuards(cfg: Pick<PlatformConfig, 'host' | 'port' | 'baseUrl' | 'env'>): RequestGuards {
  const names = allowedHostnames(cfg);
  const isAllowed = (hostname: string): boolean =>
    names.has(hostname) || TRUSTED_SUFFIXES.some((s) => hostname.endsWith(s));
  const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

  const checkHost = (host: string | undefined): void => {
    // HTTP/1.0 callers may omit it; a browser never does
    if (host === undefined || isAllowed(splitHost(host).hostname)) return;
    throw new PlatformError(
      403,
      'host_not_allowed',
      `Host ${host} is not a name of this platform (127.0.0.1, localhost, [::1], ${cfg.host}, or one listed in PLATFORM_ALLOWED_HOSTS)`,
      { field: 'host' },
    );
  };

  const originAllowed = (origin: string, host: string | undefined): boolean => {
    try {
      const u = new URL(origin);
      const port = u.port || (u.protocol === 'https:' ? '443' : '80');
      return (
        (host !== undefined && u.host === host.toLowerCase()) ||
        (isAllowed(u.hostname.replace(/^\[|\]$/g, '')) && port === String(cfg.port))
      );
    } catch {
      return false; // `null` (sandboxed frames, file: pages) and anything unparsable
    }
  };

  const checkOrigin = (origin: string | undefined, host: string | undefined): void => {
    if (origin !== undefined && !originAllowed(origin, host)) {
      throw new PlatformError(403, 'origin_not_allowed', `requests from origin ${origin} are not accepted here`, {
        field: 'origin',
      });
    }
  };

  const checkJson = (headers: FastifyRequest['headers']): void => {
    const type = one(headers['content-type']);
    const hasBody =
      (headers['content-length'] !== undefined && headers['content-length'] !== '0') || !!headers['transfer-encoding'];
    if (type === undefined ? !hasBody : JSON_TYPE.test(type)) return;
    throw new PlatformError(
      415,
      'unsupported_media_type',
      `send the body as application/json (got ${type ?? 'a body without a content type'})`,
      { field: 'content-type' },
    );
  };

  return {
    check(req) {
      const path = (req.url.split('?')[0] ?? '').replace(/\/{2,}/g, '/');
      if (path.startsWith(WEB_ACTIONS)) return;
      const host = one(req.headers.host);
      checkHost(host);
      if (SAFE_METHODS.has(req.method)) return;
      checkOrigin(one(req.headers.origin), host);
      if (JSON_ONLY.some((p) => path.startsWith(p))) checkJson(req.headers);
    },
  };
}

/** Register the guards on the server (before any module registers its routes). */
export function installRequestGuards(app: FastifyInstance, cfg: PlatformConfig): void {
  const guards = requestGuards(cfg);
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      guards.check(req);
      done();
    } catch (e) {
      done(e as Error);
    }
  });
}

/**
 * Timeouts for receiving a request (headers, then the whole request). They end when the
 * request has arrived, so a long blocking invoke or an SSE stream is never cut by them.
 * `PLATFORM_HEADERS_TIMEOUT_MS` / `PLATFORM_REQUEST_TIMEOUT_MS` override them.
 */
export function requestTimeouts(env: Record<string, string>): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
} {
  const ms = (v: string | undefined, fallback: number): number => {
    const n = Number(v);
    return v && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const requestTimeout = ms(env.PLATFORM_REQUEST_TIMEOUT_MS, 60_000);
  const headersTimeout = Math.min(ms(env.PLATFORM_HEADERS_TIMEOUT_MS, 20_000), requestTimeout);
  return { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) };
}

/** The cap of a request body where a route sets none; read while receiving, never buffered past it. */
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Fastify's own request errors (body too large, malformed body) as PlatformErrors, so that
 * each surface answers them in its dialect with a code and the field at fault.
 */
export function fromFastifyError<E extends Error & { statusCode?: number; code?: string }>(err: E): E | PlatformError {
  if (err instanceof PlatformError) return err;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new PlatformError(413, 'payload_too_large', 'The request content was too large.', { field: 'body' });
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new PlatformError(415, 'unsupported_media_type', err.message, { field: 'content-type' });
  return err;
}
