/**
 * A Commerce REST stand-in (and a tiny back-office API stand-in) for local runs.
 *
 * THIS IS NOT ADOBE COMMERCE. When the app leaves COMMERCE_BASE_URL unset (or points it at
 * the platform's own `/commerce/rest/`), the platform
 * serves the Commerce REST endpoints the handlers use under `/commerce/rest/V1/...`
 * (products, customers, customer groups, order comments, shipments, source items, and the
 * eventing endpoints `commerce:subscribe` calls; platform/commerce/rest/), stores what it
 * receives in SQLite (platform/commerce/store.ts) and answers like Commerce, so the whole
 * flow runs on one machine. Every response carries `x-local-stand-in: commerce`.
 *
 * - Writes check OAuth 1.0a or a bearer token issued by the platform's IMS
 *   (platform/commerce/auth.ts). Reads from 127.0.0.1 need none.
 * - `POST /commerce/_control/fail {status, delayMs, count, reads?}` makes the next `count`
 *   writes (and reads with `reads: true`) answer `status` after `delayMs` (status 0 = only
 *   the delay), so users can watch retries (platform/commerce/stand-in.ts).
 *
 * - A save or delete queues the matching Commerce event and publishes it to the local I/O
 *   Events shortly after, as Commerce's eventing module does (platform/commerce/eventing.ts).
 *
 * `/backoffice/...` is the same idea for the Commerce → back-office direction
 * (platform/commerce/backoffice.ts). Both answer errors as Commerce does, `{message, parameters?}`.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformContext, PlatformModule } from '../core/types';
import { DIALECTS } from '../core/errors';
import { useJsonParser } from '../core/http';
import { commerceStore } from './store';
import { standIn } from './stand-in';
import { commerceError } from './rest/route';
import { registerCommerceRest } from './rest';
import { registerBackoffice } from './backoffice';
import { commerceEventing, type CommerceEventing } from './eventing';

export interface CommerceModuleOptions {
  /** serve even when the app points COMMERCE_BASE_URL elsewhere (tests) */
  force?: boolean;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether a configured URL points at this platform's own stand-in (`{base}{prefix}...`,
 * with localhost and 127.0.0.1 alike): setting COMMERCE_BASE_URL to the platform's
 * `/commerce/rest/` keeps the stand-in on; any other URL means a real Commerce.
 */
export function pointsAtStandIn(url: string | undefined, config: PlatformContext['config'], prefix: string): boolean {
  if (!url) return false;
  let u: URL;
  let base: URL;
  try {
    u = new URL(url);
    base = new URL(config.baseUrl);
  } catch {
    return false;
  }
  const host = u.hostname.toLowerCase();
  const sameHost = host === base.hostname.toLowerCase() || (LOCAL_NAMES.has(host) && LOCAL_NAMES.has(base.hostname));
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return u.protocol === 'http:' && sameHost && port === String(config.port) && u.pathname.startsWith(prefix);
}

export function commerceModule(opts: CommerceModuleOptions = {}): PlatformModule {
  let eventing: CommerceEventing | undefined;
  return {
    name: 'commerce',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      const userEnv = ctx.config.appEnv ?? {};
      const own = (name: string, prefix: string): boolean =>
        !userEnv[name] || pointsAtStandIn(userEnv[name], ctx.config, prefix);
      const serveCommerce = opts.force || own('COMMERCE_BASE_URL', '/commerce/');
      const serveBackoffice = opts.force || own('BACKOFFICE_BASE_URL', '/backoffice/');
      if (!serveCommerce && !serveBackoffice) return;
      const store = commerceStore(ctx.db);
      const standIns = standIn(store, ctx.log);
      ctx.errors.register('/commerce', DIALECTS.commerce);
      ctx.errors.register('/backoffice', DIALECTS.commerce);
      await app.register(async (scope) => {
        useJsonParser(scope, () => commerceError(400, 'Decoding error: the request body is not valid JSON'));
        if (serveCommerce) {
          eventing = commerceEventing(ctx, store);
          registerCommerceRest(scope, ctx, store, standIns, eventing.emit);
          ctx.log.info('Commerce stand-in (not Adobe Commerce) serving /commerce/rest/V1/...');
        }
        if (serveBackoffice) registerBackoffice(scope, ctx, store, standIns);
      });
    },
    start() {
      eventing?.start();
    },
    async close() {
      await eventing?.close();
    },
  };
}
