/**
 * The platform's end of a container's in-memory connections (./port-socket.js): each
 * connection the container opens to the platform's own address arrives here as a stream the
 * platform's HTTP server takes as if it had accepted it on its TCP port
 * (`server.emit('connection')`), from a loopback address. Fastify, the request guards, auth,
 * timeouts and routes see the same request they would over TCP; only the kernel's loopback
 * (connect, accept, a syscall per read and write each way) is left out.
 *
 * On by default; `PLATFORM_IN_MEMORY_HTTP=false` keeps containers on loopback TCP.
 */
import type { Server } from 'node:http';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { portLink } from './port-socket';

/** Where the platform's HTTP server listens, as the containers address it. */
export interface PlatformAddress {
  server: Server;
  /** host names of the platform's base URL and listening address */
  hosts: string[];
  port: number;
  /** the loopback address connections come from */
  address: string;
}

/** What ./platform-route.js needs inside the container (sent in workerData). */
export interface ContainerRoute {
  port: MessagePort;
  hosts: string[];
  listenPort: number;
  address: string;
}

export interface ContainerLink {
  route: ContainerRoute;
  /** connections open on it now */
  readonly connections: number;
  /** end every connection of the container (it is gone) */
  close(): void;
}

export function openContainerLink(target: PlatformAddress): ContainerLink {
  const { port1, port2 } = new MessageChannel();
  const link = portLink(port1, {
    local: { address: target.address, port: target.port },
    remote: { address: target.address, port: 0 },
    allowHalfOpen: true,
    onOpen: (socket) => target.server.emit('connection', socket),
  });
  port1.unref();
  return {
    route: { port: port2, hosts: target.hosts, listenPort: target.port, address: target.address },
    get connections() {
      return link.size;
    },
    close: () => link.close(),
  };
}

/** false when PLATFORM_IN_MEMORY_HTTP is false, 0, off or no */
export function inMemoryHttpEnabled(env: Record<string, string | undefined>): boolean {
  const v = (env.PLATFORM_IN_MEMORY_HTTP ?? '').trim().toLowerCase();
  return !['false', '0', 'off', 'no'].includes(v);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The address containers reach the platform at (its base URL), or undefined unless that is
 * plain HTTP on a loopback name: a connection over TCP from a container then comes from a
 * loopback address too, which the in-memory one reports.
 */
export function platformAddress(server: Server, baseUrl: string, listenHost: string): PlatformAddress | undefined {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const strip = (h: string): string => h.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const base = strip(u.hostname);
  if (u.protocol !== 'http:' || !LOOPBACK_NAMES.has(base)) return undefined;
  const hosts = [...new Set([base, strip(listenHost)])].filter((h) => LOOPBACK_NAMES.has(h));
  return { server, hosts, port: Number(u.port || 80), address: base === '::1' ? '::1' : '127.0.0.1' };
}
