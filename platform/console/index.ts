/**
 * The web console at `/console`: integrations (registrations) with pause/resume, end dates
 * and their start/stop log, events with filters and each event's timeline (Debug Tracing:
 * every attempt's request and response, the activations it caused), rejected and
 * dead-lettered events with replay, activations with logs, and a chart per registration.
 *
 * No build step: the page is plain HTML, one CSS file and a few ES modules served as files
 * from ./assets. Data comes from the events module's API (`/events/_local/...`) and the
 * console's own endpoints (./api.ts); live updates come over server-sent events.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DIALECTS, PlatformError } from '../core/errors';
import type { PlatformContext, PlatformModule } from '../core/types';
import { registerConsoleApi } from './api';

export const ASSETS_DIR = path.join(__dirname, 'assets');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface ConsoleModuleOptions {
  /** read asset files on every request (for working on the console); default: cache them */
  noCache?: boolean;
}

export function consoleModule(opts: ConsoleModuleOptions = {}): PlatformModule {
  const cache = new Map<string, Buffer>();
  // the set of files is fixed at start: a request can only name one of them (no traversal)
  const files = new Set(readdirSync(ASSETS_DIR).filter((f) => CONTENT_TYPES[path.extname(f)] !== undefined));

  const serve = (reply: FastifyReply, file: string): FastifyReply => {
    if (!files.has(file)) throw new PlatformError(404, 'not_found', `no console asset ${file}`, { field: 'path' });
    let buf = opts.noCache ? undefined : cache.get(file);
    if (!buf) {
      buf = readFileSync(path.join(ASSETS_DIR, file));
      if (!opts.noCache) cache.set(file, buf);
    }
    return reply
      .type(CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(buf);
  };

  return {
    name: 'console',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      // the console's endpoints (and its asset 404s) speak the events API's error body
      ctx.errors.register('/console', DIALECTS.ioEvents);
      await app.register(async (scope) => {
        scope.get('/console', async (_req, reply) => serve(reply, 'index.html'));
        scope.get('/console/', async (_req, reply) => serve(reply, 'index.html'));
        scope.get('/console/assets/:file', async (req, reply) => serve(reply, (req.params as { file: string }).file));
        registerConsoleApi(scope, ctx);
      });
    },
    start(ctx: PlatformContext) {
      ctx.log.info('console: serving the web console', { url: `${ctx.config.baseUrl}/console` });
    },
  };
}
