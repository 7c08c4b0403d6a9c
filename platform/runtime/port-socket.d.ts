/** Types of ./port-socket.js (plain JavaScript: the containers load it too). */
import type { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';

export interface Endpoint {
  address: string;
  port: number;
}

export interface PortLink {
  connect(): Duplex;
  close(): void;
  readonly size: number;
}

export function portLink(
  port: MessagePort,
  opts: { local: Endpoint; remote: Endpoint; allowHalfOpen: boolean; onOpen?: (socket: Duplex) => void },
): PortLink;

export const END: 0;
export const CLOSE: 1;
