/**
 * A webhook target for the delivery tests: a real HTTP server on a fixed port that records
 * every delivery (event id, retry count, time, what it answered), answers whatever the test
 * says (`decide`), and can stop listening (connections refused) and listen again on the same
 * port, like a target that goes down and comes back.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  eventId: string;
  retryCount: number;
  deliveryId: string;
  at: number;
  status: number;
  body: Record<string, unknown>;
}

export type Decide = (d: { eventId: string; retryCount: number; body: Record<string, unknown> }) => number;

/**
 * Listen on `port`, or on a free port below the kernel's ephemeral range when 0: the target
 * goes down and must come back on the same port, and a port the kernel hands out for
 * outgoing connections can be taken by any other process's connection in between
 * (EADDRINUSE on the way back up). A brief retry covers a port still being released.
 */
async function listenOutsideEphemeral(server: http.Server, port: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const p = port || 20_000 + Math.floor(Math.random() * 12_000);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(p, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, port ? 100 : 0));
    }
  }
}

export class Target {
  readonly deliveries: Delivery[] = [];
  decide: Decide = () => 200;
  /** answer this long after the request arrived (the delivery is recorded on arrival) */
  delayMs = 0;
  private server: http.Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const challenge = u.searchParams.get('challenge');
        if (req.method === 'GET' && challenge) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(challenge);
          return;
        }
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          body = {};
        }
        const eventId = String(req.headers['x-adobe-event-id'] ?? '');
        const retryCount = Number(req.headers['x-adobe-retry-count'] ?? -1);
        const status = this.decide({ eventId, retryCount, body });
        this.deliveries.push({
          eventId,
          retryCount,
          deliveryId: String(req.headers['x-adobe-delivery-id'] ?? ''),
          at: Date.now(),
          status,
          body,
        });
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status }));
        };
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    this.port = await listenOutsideEphemeral(server, this.port);
    this.server = server;
    return this;
  }

  /** stop listening: deliveries now get "connection refused" */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** listen again on the same port */
  async up(): Promise<void> {
    if (!this.server) await this.start();
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  successes(eventId: string): number {
    return this.deliveries.filter((d) => d.eventId === eventId && d.status >= 200 && d.status < 300).length;
  }

  of(eventId: string): Delivery[] {
    return this.deliveries.filter((d) => d.eventId === eventId);
  }
}
