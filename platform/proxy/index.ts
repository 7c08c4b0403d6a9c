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
import { ensureCerts } from './certs';
import { ADOBE_ROUTES } from './hosts';
import { startRoutingProxy, type RoutingProxy } from './server';

export { ADOBE_ROUTES } from './hosts';

/** whether the routing is on: PLATFORM_ROUTE_ADOBE_HOSTS (env or the app's .env) other than false/0/off */
export function routingEnabled(env: Record<string, string | undefined>): boolean {
  const v = (env.PLATFORM_ROUTE_ADOBE_HOSTS ?? '').trim().toLowerCase();
  return !['false', '0', 'off', 'no'].includes(v);
}

/** The CA the processes trust: the platform's own, plus a CA file the user already trusts. */
function trustFile(dir: string, caFile: string, caCert: string): string {
  const theirs = process.env.NODE_EXTRA_CA_CERTS;
  if (!theirs || path.resolve(theirs) === caFile) return caFile;
  let extra: string;
  try {
    extra = fs.readFileSync(theirs, 'utf8');
  } catch {
    return caFile;
  }
  const bundle = path.join(dir, 'trust.pem');
  fs.writeFileSync(bundle, `${caCert.trim()}\n${extra.trim()}\n`, { mode: 0o600 });
  return bundle;
}

export function proxyModule(): PlatformModule {
  let proxy: RoutingProxy | undefined;
  return {
    name: 'proxy',
    async register(_app, ctx: PlatformContext) {
      if (!routingEnabled(ctx.config.appEnv ?? process.env)) {
        ctx.log.info("Adobe's hosts are not routed to the platform (PLATFORM_ROUTE_ADOBE_HOSTS=false)");
        return;
      }
      const dir = path.join(ctx.config.dataDir, 'adobe-hosts');
      const certs = ensureCerts(
        dir,
        ADOBE_ROUTES.map((r) => r.host),
      );
      proxy = await startRoutingProxy(ctx.config.baseUrl, certs, ctx.log);
      const noProxy = 'localhost,127.0.0.1,::1';
      ctx.childEnv = {
        ...ctx.childEnv,
        HTTPS_PROXY: proxy.url,
        https_proxy: proxy.url,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
        NODE_EXTRA_CA_CERTS: trustFile(dir, certs.caFile, certs.caCert),
      };
      ctx.log.info(`Adobe's hosts (${ADOBE_ROUTES.map((r) => r.host).join(', ')}) routed to the platform`, {
        proxy: proxy.url,
      });
    },
    async close() {
      await proxy?.close();
      proxy = undefined;
    },
  };
}
