/**
 * Reading an OpenWhisk API request: the caller's key (Basic auth with the namespace key),
 * the namespace in the path, headers, query and the raw body the runtime scope keeps.
 */
import type { FastifyRequest } from 'fastify';
import type { PlatformConfig } from '../../core/types';
import { parseJson } from '../../core/http';
import { NOT_AUTHORIZED, runtimeError } from '../errors';
import { MAX_PAYLOAD_BYTES, payloadTooLarge } from '../limits';

export interface RestGuard {
  /** throws 401 unless the request carries the namespace key */
  authorize(req: FastifyRequest): void;
  /** `_` or the platform's namespace */
  isOwnNamespace(ns: string): boolean;
  /** throws 403 unless `ns` is the platform's namespace (or `_`) */
  requireNamespace(ns: string): void;
}

/**
 * `bearer`: also accept `Authorization: Bearer <token>` when it holds a token of the local IMS
 * (what CLI 11 sends to the deploy service's `/runtime/api/v1`).
 */
export function restGuard(cfg: PlatformConfig, bearer?: (token: string) => boolean): RestGuard {
  const expectedAuth = `Basic ${Buffer.from(cfg.auth).toString('base64')}`;
  const isOwnNamespace = (ns: string): boolean => ns === '_' || ns === cfg.namespace;
  return {
    authorize(req) {
      const h = req.headers.authorization;
      if (h === expectedAuth) return;
      const token = bearer && h && /^bearer\s+(\S+)$/i.exec(h)?.[1];
      if (token && bearer(token)) return;
      // tolerate other spellings of the same credentials
      if (h && /^basic\s+/i.test(h)) {
        try {
          if (Buffer.from(h.replace(/^basic\s+/i, ''), 'base64').toString('utf8') === cfg.auth) return;
        } catch {
          /* fall through */
        }
      }
      throw runtimeError(401, 'The supplied authentication is invalid.');
    },
    isOwnNamespace,
    requireNamespace(ns) {
      if (!isOwnNamespace(ns)) throw runtimeError(403, NOT_AUTHORIZED);
    },
  };
}

/** Node already lower-cases header names; only repeated headers (arrays) need joining. */
export function headersOf(req: FastifyRequest): Record<string, string> {
  const h = req.headers;
  for (const k in h) {
    const v = h[k];
    if (typeof v !== 'string') {
      const out: Record<string, string> = {};
      for (const [k2, v2] of Object.entries(h)) if (v2 !== undefined) out[k2] = Array.isArray(v2) ? v2.join(', ') : v2;
      return out;
    }
  }
  return h as Record<string, string>;
}

export function queryString(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

export function num(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A non-negative integer query parameter: undefined when absent, a 400 naming it otherwise. */
export function intQuery(q: Record<string, string | undefined>, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw runtimeError(400, `The query parameter ${name} must be a non-negative integer.`);
  return Number(v);
}

/** The raw body (the runtime scope keeps bodies as bytes), checked against the production cap. */
export function rawBody(req: FastifyRequest, cfg: PlatformConfig, activationId?: string): Buffer {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (cfg.productionLimits && raw.length > MAX_PAYLOAD_BYTES) throw payloadTooLarge(raw.length, activationId);
  return raw;
}

/** The body as a JSON object of parameters; empty is `{}`, anything else (too deep too) is undefined. */
export function bodyJson(raw: Buffer): Record<string, unknown> | undefined {
  if (raw.length === 0) return {};
  try {
    const v: unknown = parseJson(raw.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
