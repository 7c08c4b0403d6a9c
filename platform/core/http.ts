/**
 * HTTP helpers every platform module uses: who is calling (loopback or not), one JSON body
 * parser, one server-sent-events stream. One copy each; modules pass what differs.
 */
import type { EventEmitter } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from './errors';

export function isLoopback(ip: string | undefined): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * JSON nested deeper than this is refused: parsing copes, but what comes after (stringify,
 * a structured clone to a worker, a schema walk) recurses and would throw a RangeError.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether `text` opens more than `max` arrays/objects at once (strings skipped). Linear, no allocation. */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** JSON.parse that throws a SyntaxError for text nested deeper than MAX_JSON_DEPTH. */
export function parseJson(text: string): unknown {
  if (jsonTooDeep(text)) throw new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  return JSON.parse(text) as unknown;
}

/**
 * Replace the scope's JSON parser with one that answers bad JSON (or JSON nested too deep)
 * with `invalid` (a 400 in the scope's dialect) and takes an empty body as no body (Adobe's clients send
 * `content-type: application/json` on DELETE with nothing after it).
 */
export function useJsonParser(scope: FastifyInstance, invalid: () => PlatformError): void {
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, parseJson(text));
    } catch {
      done(invalid(), undefined);
    }
  });
}

/** One bus topic relayed to a stream, optionally reshaped (e.g. a summary of a large record). */
export interface SseTopic {
  name: string;
  map?: (data: unknown) => unknown;
}

/**
 * Relay bus notifications to the caller as server-sent events until it disconnects, with a
 * ping every 15 s so that proxies keep the connection open.
 */
export function streamEvents(
  req: FastifyRequest,
  reply: FastifyReply,
  bus: EventEmitter,
  topics: SseTopic[],
  retryMs?: number,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(`${retryMs === undefined ? '' : `retry: ${retryMs}\n`}: connected\n\n`);
  const listeners = topics.map(({ name, map }) => {
    const fn = (data: unknown): void => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(map ? map(data) : data)}\n\n`);
    };
    bus.on(name, fn);
    return [name, fn] as const;
  });
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  ping.unref();
  req.raw.on('close', () => {
    clearInterval(ping);
    for (const [n, fn] of listeners) bus.off(n, fn);
  });
}
