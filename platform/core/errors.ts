/**
 * The platform's one error type. Every module throws a PlatformError (or lets a store
 * fault through); `core/server.ts` renders it once, in the body shape of the surface the
 * request reached, because each protocol the platform speaks has its own error dialect:
 *
 * - OpenWhisk (runtime, `/api/v1`):   `{error, code}` (code: an opaque request id, or the
 *                                      activation id when one was assigned: `extra.code`)
 * - I/O Events and the console API:    `{error_code, message, field?}`
 * - Commerce REST and back-office stand-ins: `{message, parameters?}` (`extra.parameters`)
 * - State (`/containers`):             `{error, field?}`
 * - IMS (`/ims`):                      `{error, error_description}`
 *
 * A module declares its dialect once for its URL prefix (`ctx.errors.register`), not per route.
 */
import crypto from 'node:crypto';

export interface PlatformErrorOptions {
  /** the request field at fault: a header name, `body`, a query parameter, a JSON path */
  field?: string;
  /** response headers, e.g. `retry-after`, `allow`, `x-conflicting-id` */
  headers?: Record<string, string>;
  /** dialect-specific extra body members (Commerce's `parameters`, ...) */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

export class PlatformError extends Error {
  readonly field: string | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    opts: PlatformErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PlatformError';
    this.field = opts.field;
    this.headers = opts.headers ?? {};
    this.extra = opts.extra ?? {};
  }

  /** fastify reads `statusCode` off errors thrown in hooks and parsers */
  get statusCode(): number {
    return this.status;
  }
}

/** Turns a PlatformError into the body its surface's clients expect. */
export type ErrorDialect = (err: PlatformError) => Record<string, unknown>;

export const requestId = (): string => crypto.randomBytes(16).toString('hex');

export const DIALECTS = {
  openwhisk: (e) => ({ error: e.message, code: requestId(), ...e.extra }),
  ioEvents: (e) => ({ error_code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...e.extra }),
  commerce: (e) => ({ message: e.message, ...e.extra }),
  ims: (e) => ({ error: e.code, error_description: e.message, ...e.extra }),
  state: (e) => ({ error: e.message, ...(e.field ? { field: e.field } : {}), ...e.extra }),
} satisfies Record<string, ErrorDialect>;

/** URL prefix → dialect; the longest matching prefix wins; OpenWhisk's is the default. */
export class DialectTable {
  private readonly entries: Array<[string, ErrorDialect]> = [];

  register(prefix: string, dialect: ErrorDialect): void {
    this.entries.push([prefix, dialect]);
    this.entries.sort((a, b) => b[0].length - a[0].length);
  }

  forUrl(url: string): ErrorDialect {
    // the router ignores duplicate slashes (aio-lib-state asks for `//containers/...`)
    const path = (url.split('?')[0] ?? url).replace(/\/{2,}/g, '/');
    for (const [prefix, d] of this.entries) if (path.startsWith(prefix)) return d;
    return DIALECTS.openwhisk;
  }
}
