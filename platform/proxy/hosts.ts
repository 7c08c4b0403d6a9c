/**
 * Adobe's production hosts that the platform answers for, and where on the platform each
 * request lands. Only these names are ever intercepted (TLS ended with a certificate of the
 * local CA); the proxy tunnels every other host untouched.
 */
export interface AdobeRoute {
  host: string;
  /** the platform path for a path requested of this host */
  path(requested: string): string;
}

const same = (p: string): string => p;

export const ADOBE_ROUTES: readonly AdobeRoute[] = [
  // IMS: aio-lib-ims with `environment: prod`, OAuth server-to-server token requests
  { host: 'ims-na1.adobelogin.com', path: same },
  // I/O Events management API (and the rest of api.adobe.io the platform serves under the same paths)
  { host: 'api.adobe.io', path: same },
  // I/O Events publishing: `Events.init` without options posts CloudEvents to its root
  { host: 'eventsingress.adobe.io', path: (p) => `/ingress${p === '/' ? '' : p}` },
];

export function routeFor(host: string): AdobeRoute | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  return ADOBE_ROUTES.find((r) => r.host === h);
}

/**
 * The app's settings that name a routed host (`IO_MANAGEMENT_BASE_URL=https://api.adobe.io/events/`,
 * as the starter kit's env.dist has it), rewritten to the platform URL the proxy would route
 * them to: code that calls them with Node's global fetch, which ignores HTTPS_PROXY before
 * Node 24, lands on the same place. Only https URLs of the hosts above, on port 443.
 */
export function routedSettings(env: Record<string, string>, baseUrl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!/^https:\/\//i.test(value)) continue;
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      continue;
    }
    const route = routeFor(u.hostname);
    if (!route || (u.port !== '' && u.port !== '443') || u.username || u.password) continue;
    out[name] = `${baseUrl}${route.path(u.pathname)}${u.search}`;
  }
  return out;
}
