/**
 * kill -9 of the platform (a child process) in the middle of publishing and delivering,
 * then a restart on the same data dir: every event the ingress accepted (200 OK) is
 * delivered (at least once); the seeded registration comes from --events-config.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../reliability/support/child';
import { tempDir } from '../helpers';
import { startReceiver, waitFor, type Receiver } from './harness';

const ROOT = path.join(__dirname, '..', '..', '..');
const EVENTS_APP = path.join(ROOT, 'test', 'fixtures', 'events-app');

function startChild(port: number, dataDir: string, configFile: string): ChildProcess {
  fs.writeFileSync(path.join(dataDir, 'none.env'), '');
  const child = spawn(
    process.execPath,
    [
      '--require',
      'tsx/cjs',
      path.join(ROOT, 'platform', 'cli.ts'),
      'start',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--project-dir',
      EVENTS_APP,
      '--env-file',
      path.join(dataDir, 'none.env'),
      '--events-config',
      configFile,
      '--time-scale',
      '0.0001',
      '--no-watch',
      '--no-hooks',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  child.stderr?.on('data', () => undefined);
  return child;
}

async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

describe('durability', () => {
  let rx: Receiver;
  let child: ChildProcess | undefined;
  const ids: string[] = [];
  /** ids answered 200 */
  const seen = new Set<string>();
  /** until the kill, every 7th event's delivery is left hanging: it is in flight when the platform dies */
  let hang = true;
  const hung = new Set<string>();
  const held: Array<() => void> = [];

  beforeAll(async () => {
    rx = await startReceiver((_req, body, res) => {
      const id = (JSON.parse(body) as { id: string }).id;
      ids.push(id);
      if (hang && id.endsWith('7')) {
        hung.add(id);
        held.push(() => res.destroy());
        return;
      }
      setTimeout(() => {
        seen.add(id);
        res.writeHead(200).end('ok');
      }, 3);
    });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    held.forEach((f) => f());
    await rx.close();
  });

  test('kill -9 mid-stream, restart: every accepted event is delivered', async () => {
    const T0 = Date.now();
    const accepted = new Set<string>();
    const dataDir = tempDir('events-durability-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const configFile = path.join(dataDir, 'events.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        providers: [
          {
            label: 'Backoffice',
            event_metadata: [{ event_code: 'be-observer.catalog_product_create', label: 'Product created' }],
          },
        ],
        registrations: [
          {
            name: 'durable-hook',
            delivery_type: 'webhook',
            webhook_url: rx.url,
            events_of_interest: [{ provider_label: 'Backoffice', event_code: 'be-observer.catalog_product_create' }],
          },
        ],
      }),
    );
    child = startChild(port, dataDir, configFile);
    await waitFor(() => healthy(base), 30_000, 'the platform to start');
    if (process.env.DURABILITY_TRACE) console.log('started', Date.now() - T0, ids.length, accepted.size);

    // the client pair the platform generated in its data dir (the only pair its IMS accepts)
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    const tok = (
      (await (
        await fetch(`${base}/ims/token/v3`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: secrets.OAUTH_CLIENT_ID!,
            client_secret: secrets.OAUTH_CLIENT_SECRET!,
          }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const auth = { authorization: `Bearer ${tok}`, 'x-api-key': secrets.OAUTH_CLIENT_ID! };
    const providers = (await (await fetch(`${base}/events/000000/providers`, { headers: auth })).json()) as {
      _embedded: { providers: Array<{ id: string }> };
    };
    const providerId = providers._embedded.providers[0]!.id;

    let killed = false;
    const sender = async (w: number) => {
      for (let i = 0; i < 1000 && !killed; i++) {
        const id = `dur-${w}-${i}`;
        try {
          const res = await fetch(`${base}/ingress`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/cloudevents+json' },
            body: JSON.stringify({
              specversion: '1.0',
              id,
              source: `urn:uuid:${providerId}`,
              type: 'be-observer.catalog_product_create',
              data: { sku: id },
            }),
          });
          if (res.status === 200 && (await res.text()) === 'OK') accepted.add(id);
        } catch {
          return; // the platform is gone
        }
      }
    };
    const senders = Array.from({ length: 5 }, (_, w) => sender(w));
    await waitFor(() => ids.length >= 100 && hung.size >= 3, 30_000, 'deliveries under way');
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    killed = true;
    hang = false;
    held.forEach((f) => f());
    if (process.env.DURABILITY_TRACE) console.log('killed', Date.now() - T0, ids.length, accepted.size);
    await Promise.all(senders);
    await exited;
    // deliveries were in flight at the kill (their answer never came): the lease makes them due again
    expect([...hung].every((id) => !seen.has(id))).toBe(true);

    child = startChild(port, dataDir, configFile);
    await waitFor(() => healthy(base), 30_000, 'the platform to restart');
    if (process.env.DURABILITY_TRACE) console.log('restarted', Date.now() - T0, ids.length, accepted.size);
    await waitFor(
      () => [...accepted].every((id) => seen.has(id)),
      60_000,
      'every accepted event to be delivered after restart',
    );
    const dupes = ids.length - seen.size;
    if (process.env.DURABILITY_TRACE) console.log('all delivered', Date.now() - T0, ids.length, accepted.size);
    // at least once: only deliveries in flight (or finished but not yet flushed) at the kill may be repeated
    expect(dupes).toBeLessThanOrEqual(200);
    // the registration was seeded once, not twice, across the restart
    const regs = (await (
      await fetch(`${base}/events/000000/local-project/local-workspace/registrations`, { headers: auth })
    ).json()) as { _embedded: { registrations: unknown[] } };
    expect(regs._embedded.registrations).toHaveLength(1);
    const exited2 = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited2;
    child = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 150_000);
});
