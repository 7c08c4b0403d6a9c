/**
 * Logging for actions: `@adobe/aio-lib-core-logging` (what App Builder's own actions use,
 * so lines look the same in `aio rt activation logs`), behind a four-method interface
 * so tests and the local platform can pass their own.
 *
 * Rules: one line per activation at `info` carrying the activation id (`requestLine`);
 * detail at `debug`; secrets are never logged (`redact` before anything param-shaped).
 */
import aioLogger from '@adobe/aio-lib-core-logging';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'verbose' | 'debug' | 'silly';
const LEVELS: readonly string[] = ['error', 'warn', 'info', 'verbose', 'debug', 'silly'];

function levelOf(value: unknown): LogLevel {
  return typeof value === 'string' && LEVELS.includes(value.toLowerCase()) ? (value.toLowerCase() as LogLevel) : 'info';
}

const loggers = new Map<string, Logger>();

/** One logger per (name, level) and container; `LOG_LEVEL` is the action input. */
export function createLogger(name: string, level?: unknown): Logger {
  const lvl = levelOf(level);
  const key = `${name}:${lvl}`;
  let logger = loggers.get(key);
  if (!logger) {
    const aio = aioLogger(name, { level: lvl });
    logger = {
      debug: (m) => aio.debug(m),
      info: (m) => aio.info(m),
      warn: (m) => aio.warn(m),
      error: (m) => aio.error(m),
    };
    loggers.set(key, logger);
  }
  return logger;
}

/** The activation id Runtime sets for this activation ('-' outside Runtime). */
export function activationId(): string {
  return process.env.__OW_ACTIVATION_ID ?? '-';
}

/**
 * The one info line of an activation: `key=value` pairs after a fixed head, values with
 * spaces quoted. Pass only non-secret facts (event code, ids, status, duration).
 */
export function requestLine(fields: Record<string, string | number | boolean | undefined>): string {
  const parts = [`activation=${activationId()}`];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
  }
  return parts.join(' ');
}

const SECRET_NAME = /secret|key|token|password|auth|signature|credential/i;

/** A copy of params safe to log at debug: secret-looking inputs and raw bodies masked. */
export function redact(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === '__ow_body') out[k] = typeof v === 'string' ? `<${v.length} chars>` : '<body>';
    else if (k === '__ow_headers' && typeof v === 'object' && v !== null) {
      out[k] = Object.fromEntries(Object.entries(v).map(([h, hv]) => [h, SECRET_NAME.test(h) ? '<redacted>' : hv]));
    } else out[k] = SECRET_NAME.test(k) && v !== undefined && v !== '' ? '<redacted>' : v;
  }
  return out;
}
