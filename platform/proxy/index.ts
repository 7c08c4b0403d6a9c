/**
 * Adobe's production hosts, answered by the platform for the processes it starts (action
 * containers and the post-app-deploy hook), the way LocalStack answers AWS endpoints: code
 * written for Adobe that hard-codes `ims-na1.adobelogin.com`, `api.adobe.io` or
 * `eventsingress.adobe.io` (aio-lib-ims with `environment: prod`, `Events.init` without
 * options) reaches the local IMS, events API and ingress unchanged.
 *
 * How: an HTTPS proxy on 127.0.0.1 (./server.ts) and a local CA (./certs.ts), given to
 * those processes as HTTPS_PROXY and NODE_EXTRA_CA_CERTS (ctx.childEnv). Adobe's clients
 * honor both (aio-lib-core-networking reads the proxy variables through proxy-from-env).
 * Only the hosts of ./hosts.ts are intercepted; any other host is tunneled untouched.
 * Off with `--no-adobe-hosts` or PLATFORM_ROUTE_ADOBE_HOSTS=false; nothing else changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PlatformContext, PlatformModule } from '../core/types';
import { caFileIn, ensureCerts } from './certs';
import { ADOBE_ROUTES, routedSettings } from './hosts';
import { startRoutingProxy, type RoutingProxy } from './server';

export { ADOBE_ROUTES } from './hosts';

/** whether the routing is on: PLATFORM_ROUTE_ADOBE_HOSTS (env or the app's .env) other than false/0/off */
export function routingEnabled(env: Record<string, string | undefined>): boolean {
  const v = (env.PLATFORM_ROUTE_ADOBE_HOSTS ?? '').trim().toLowerCase();
  return !['false', '0', 'off', 'no'].includes(v);
}

/** a CA file the platform's own environment already trusts (NODE_EXTRA_CA_CERTS), if readable */
function theirCaFile(dir: string): string | undefined {
  const theirs = process.env.NODE_EXTRA_CA_CERTS;
  if (!theirs || path.resolve(theirs) === caFileIn(dir)) return undefined;
  try {
    fs.accessSync(theirs, fs.constants.R_OK);
    return theirs;
  } catch {
    return undefined;
  }
}

/** The file the processes trust: the platform's CA, with the user's own CA file when there is one. */
function trustPath(dir: string): string {
  return theirCaFile(dir) ? path.join(dir, 'trust.pem') : caFileIn(dir);
}

function trustFile(dir: string, caFile: string, caCert: string): void {
  const theirs = theirCaFile(dir);
  if (!theirs || trustPath(dir) === caFile) return;
  const extra = fs.readFileSync(theirs, 'utf8');
  fs.writeFileSync(trustPath(dir), `${caCert.trim()}\n${extra.trim()}\n`, { mode: 0o600 });
}

export function proxyModule(): PlatformModule {
  let proxy: RoutingProxy | undefined;
  let ready: Promise<void> | undefined;
  return {
    name: 'proxy',
    async register(_app, ctx: PlatformContext) {
      if (!routingEnabled(ctx.config.appEnv ?? process.env)) {
        ctx.log.info("Adobe's hosts are not routed to the platform (PLATFORM_ROUTE_ADOBE_HOSTS=false)");
        return;
      }
      const dir = path.join(ctx.config.dataDir, 'adobe-hosts');
      // generated off the event loop while the other modules register (the actions build);
      // awaited in start(), before the platform reports ready
      const certs = ensureCerts(
        dir,
        ADOBE_ROUTES.map((r) => r.host),
      );
      ready = certs.then((c) => void trustFile(dir, c.caFile, c.caCert));
      ready.catch(() => undefined);
      proxy = await startRoutingProxy(ctx.config.baseUrl, certs, ctx.log);
      const noProxy = 'localhost,127.0.0.1,::1';
      ctx.childEnv = {
        ...ctx.childEnv,
        HTTPS_PROXY: proxy.url,
        https_proxy: proxy.url,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
        NODE_EXTRA_CA_CERTS: trustPath(dir),
      };
      ctx.log.info(`Adobe's hosts (${ADOBE_ROUTES.map((r) => r.host).join(', ')}) routed to the platform`, {
        proxy: proxy.url,
      });
      // the same routing for settings that name those hosts, for code on the global fetch
      const rewritten = routedSettings(ctx.config.env, ctx.config.baseUrl);
      Object.assign(ctx.config.env, rewritten);
      for (const [name, url] of Object.entries(rewritten)) {
        ctx.log.info(`${name} names one of Adobe's hosts: actions and hooks get the platform's URL`, { url });
      }
    },
    async start() {
      await ready;
    },
    async close() {
      await proxy?.close();
      proxy = undefined;
    },
  };
}
