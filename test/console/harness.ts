/**
 * The console's browser-test harness: the platform in-process (runtime, state, IMS, events,
 * console) on a random port with a fresh data dir and a small time scale, a webhook target
 * the test can make fail or recover, and Debian's chromium driven by puppeteer-core.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startPlatform } from '../../platform';
import type { RunningPlatform } from '../../platform/core/server';
import { runtimeModule } from '../../platform/runtime';
import { stateModule } from '../../platform/state';
import { imsModule } from '../../platform/ims';
import { eventsModule } from '../../platform/events';
import { consoleModule } from '../../platform/console';

export const FIXTURE_APP = path.join(__dirname, 'fixture-app');
export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'console');
export const PROVIDER_LABEL = 'Back office (console tests)';
export const PRODUCT_CREATE = 'be-observer.catalog_product_create';
export const PRODUCT_UPDATE = 'be-observer.catalog_product_update';
export const CUSTOMER_CREATE = 'be-observer.customer_create';

/** A webhook target whose answers the test sets: status, delay; it records every request. */
export class ControlledTarget {
  status = 200;
  body = '{"ok":true}';
  readonly requests: Array<{ headers: http.IncomingHttpHeaders; body: string; at: number }> = [];
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const challenge = u.searchParams.get('challenge');
      if (req.method === 'GET' && challenge) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
        return;
      }
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body, at: Date.now() });
        res
          .writeHead(this.status, { 'content-type': 'application/json', 'x-target': 'erp-stand-in' })
          .end(this.status >= 400 ? JSON.stringify({ error: `ERP answers ${this.status}` }) : this.body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/erp/events`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** chromium: /usr/bin/chromium (scripts/ensure-chromium.sh installs it when missing) */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (x): x is string => !!x,
  );
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const script = path.join(__dirname, '..', '..', 'scripts', 'ensure-chromium.sh');
  const out =
    execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop() ?? '';
  if (!out || !fs.existsSync(out))
    throw new Error('chromium is not installed and scripts/ensure-chromium.sh could not install it');
  return out;
}

export interface ConsoleHarness {
  platform: RunningPlatform;
  base: string;
  target: ControlledTarget;
  providerId: string;
  browser: Browser;
  page: Page;
  dataDir: string;
  publish(type: string, data: unknown, id?: string): Promise<string>;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;

export async function startConsoleHarness(opts: { timeScale?: number } = {}): Promise<ConsoleHarness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-test-'));
  const target = new ControlledTarget();
  await target.start();
  const cleanup: Array<() => Promise<unknown>> = [() => target.stop()];
  try {
    return await startWith(dataDir, target, cleanup, opts);
  } catch (e) {
    // nothing may outlive a failed start (an open server keeps jest from exiting)
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

async function startWith(
  dataDir: string,
  target: ControlledTarget,
  cleanup: Array<() => Promise<unknown>>,
  opts: { timeScale?: number },
): Promise<ConsoleHarness> {
  const configFile = path.join(dataDir, 'events.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      providers: [
        {
          label: PROVIDER_LABEL,
          description: 'back-office events for the console tests',
          event_metadata: [
            { event_code: PRODUCT_CREATE, label: 'Product created' },
            { event_code: PRODUCT_UPDATE, label: 'Product updated' },
            { event_code: CUSTOMER_CREATE, label: 'Customer created' },
          ],
        },
      ],
      registrations: [
        {
          name: 'product-consumer',
          description: 'back-office product and customer events to the consumer action',
          runtime_action: 'shop/consumer',
          events_of_interest: [
            { provider_label: PROVIDER_LABEL, event_code: PRODUCT_CREATE },
            { provider_label: PROVIDER_LABEL, event_code: PRODUCT_UPDATE },
            { provider_label: PROVIDER_LABEL, event_code: CUSTOMER_CREATE },
          ],
        },
        {
          name: 'erp-webhook',
          description: 'new products to the ERP',
          webhook_url: target.url,
          events_of_interest: [{ provider_label: PROVIDER_LABEL, event_code: PRODUCT_CREATE }],
        },
      ],
    }),
  );
  const envFile = path.join(dataDir, 'test.env');
  fs.writeFileSync(envFile, '');
  const platform = await startPlatform({
    projectDir: FIXTURE_APP,
    dataDir,
    envFile,
    port: 0,
    quiet: true,
    timeScale: opts.timeScale ?? 0.00002,
    modules: [
      runtimeModule(),
      stateModule(),
      imsModule(),
      eventsModule({ configFile, verifyWebhooks: false, housekeepingMs: 100 }),
      consoleModule(),
    ],
  });
  cleanup.push(() => platform.close());
  const base = platform.url;
  // the ingress accepts tokens issued by the platform's IMS: get one as the app would
  const env = platform.config.env;
  const tokenRes = await fetch(`${base}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.OAUTH_CLIENT_ID ?? '',
      client_secret: env.OAUTH_CLIENT_SECRET ?? '',
      scope: 'adobeio_api',
    }).toString(),
  });
  if (tokenRes.status !== 200) throw new Error(`IMS answered ${tokenRes.status}: ${await tokenRes.text()}`);
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const regs = (await (await fetch(`${base}/events/_local/registrations`)).json()) as {
    registrations: Array<{ events_of_interest: Array<{ provider_id: string }> }>;
  };
  const providerId = regs.registrations[0]?.events_of_interest[0]?.provider_id ?? '';

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${path.join(dataDir, 'chromium')}`,
    ],
  });
  cleanup.push(() => browser.close());
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  return {
    platform,
    base,
    target,
    providerId,
    browser,
    page,
    dataDir,
    async publish(type, data, id) {
      const ceId = id ?? `console-test-${process.pid}-${++counter}-${Date.now()}`;
      const res = await fetch(`${base}/ingress`, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json',
          authorization: `Bearer ${token}`,
          'x-api-key': env.OAUTH_CLIENT_ID ?? 'local',
        },
        body: JSON.stringify({
          specversion: '1.0',
          id: ceId,
          source: `urn:uuid:${providerId}`,
          type,
          datacontenttype: 'application/json',
          data,
        }),
      });
      if (res.status !== 200) throw new Error(`ingress answered ${res.status}: ${await res.text()}`);
      return res.headers.get('x-adobe-event-id') ?? '';
    },
    async shot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      if (pageErrors.length) process.stderr.write(`console page errors:\n${pageErrors.join('\n')}\n`);
      await browser.close().catch(() => undefined);
      await platform.close();
      await target.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** wait until fn() is truthy (polling; for server-side state) */
export async function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
