/**
 * The HTTPS proxy the processes started by the platform use (HTTPS_PROXY). A `CONNECT` to
 * one of Adobe's hosts (./hosts.ts) on port 443 is answered here: TLS is ended with that
 * host's certificate from the local CA and each request is forwarded to the platform with
 * its path mapped. A `CONNECT` to any other host is a plain TCP tunnel to it: bytes are
 * passed untouched, never decrypted. Absolute-form requests (`GET https://host/...`, as some
 * clients send through a proxy) are answered for Adobe's hosts and refused for others.
 * Listens on 127.0.0.1 only.
 */
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../core/types';
import type { CertSet } from './certs';
import { routeFor, type AdobeRoute } from './hosts';

export interface RoutingProxy {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Forward one request for an Adobe host to the platform, its path mapped. */
function forward(platform: URL, route: AdobeRoute, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', `https://${route.host}`);
  const upstream = http.request(
    {
      host: platform.hostname,
      port: platform.port,
      method: req.method,
      path: route.path(url.pathname) + url.search,
      headers: { ...req.headers, host: platform.host, 'x-forwarded-host': route.host, 'x-forwarded-proto': 'https' },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `the local platform did not answer for ${route.host}: ${e.message}` }));
  });
  req.pipe(upstream);
}

function refuse(socket: net.Socket, status: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(authority);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1] as string, port } : undefined;
}

/** End TLS for an Adobe host on the client's socket and hand the requests to `inner`. */
function intercept(
  socket: net.Socket,
  head: Buffer,
  host: string,
  context: tls.SecureContext,
  inner: http.Server,
): void {
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) socket.unshift(head);
  const secure = new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: context,
    ALPNProtocols: ['http/1.1'],
  }) as tls.TLSSocket & { routedHost?: string };
  secure.routedHost = host;
  secure.on('error', () => socket.destroy());
  inner.emit('connection', secure);
}

/** `certs` may still be being generated: a CONNECT to an Adobe host waits for them. */
export function startRoutingProxy(platformUrl: string, certs: Promise<CertSet>, log: Logger): Promise<RoutingProxy> {
  const platform = new URL(platformUrl);
  const contexts = certs.then((set) => {
    const m = new Map<string, tls.SecureContext>();
    for (const [host, c] of set.byHost) m.set(host, tls.createSecureContext({ cert: c.cert, key: c.key }));
    return m;
  });
  contexts.catch(() => undefined);
  const sockets = new Set<net.Socket>();

  // the decrypted side of the intercepted connections: plain HTTP to forward
  const inner = http.createServer((req, res) => {
    const route = routeFor((req.socket as tls.TLSSocket & { routedHost?: string }).routedHost ?? '');
    if (route) forward(platform, route, req, res);
    else res.writeHead(421).end();
  });

  const server = http.createServer((req, res) => {
    let target: URL | undefined;
    try {
      target = new URL(req.url ?? '');
    } catch {
      target = undefined;
    }
    const route = target ? routeFor(target.hostname) : undefined;
    if (target && route) {
      req.url = target.pathname + target.search;
      return forward(platform, route, req, res);
    }
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `this proxy answers only for Adobe's hosts; other hosts only through CONNECT` }));
  });

  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const target = parseAuthority(req.url ?? '');
    if (!target) return refuse(socket, '400 Bad Request', `CONNECT needs host:port, got ${req.url}`);
    const route = target.port === 443 ? routeFor(target.host) : undefined;
    if (route) {
      contexts.then(
        (m) => intercept(socket, head, route.host, m.get(route.host) as tls.SecureContext, inner),
        (e: Error) => refuse(socket, '502 Bad Gateway', `no certificate for ${route.host}: ${e.message}`),
      );
      return;
    }
    // any other host: a TCP tunnel, nothing read or changed
    let established = false;
    const out = net.connect(target.port, target.host, () => {
      established = true;
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) out.write(head);
      out.pipe(socket);
      socket.pipe(out);
    });
    sockets.add(out);
    out.on('close', () => sockets.delete(out));
    out.on('error', (e) => {
      if (established || !socket.writable) socket.destroy();
      else refuse(socket, '502 Bad Gateway', `could not reach ${req.url}: ${e.message}`);
    });
    socket.on('close', () => out.destroy());
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      log.debug('Adobe-host routing proxy listening', { port: addr.port });
      resolve({
        port: addr.port,
        url: `http://127.0.0.1:${addr.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            inner.close();
            server.close(() => done());
          }),
      });
    });
  });
}
