/**
 * Onboarding end to end against the local platform: the real CLI code, the real
 * @adobe/aio-lib-events client, the platform's IMS and I/O Events management API, and
 * delivery to runtime actions. The project is a generated fixture whose consumer actions
 * only answer 200, so that this suite tests onboarding, not the handlers.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startPlatform, defaultModules, type RunningPlatform } from '../../platform';
import { eventsModule } from '../../platform/events';
import { localDefaults } from '../../platform/core/local-defaults';
import { catalog, packages } from '../../src/catalog';
import { runOnboarding } from '../../scripts/onboarding/onboard';
import type { CliIo } from '../../scripts/onboarding/cli-common';
import type { CatalogEventLike } from '../../scripts/onboarding/config';

const ROOT = path.join(__dirname, '..', '..');

function fixtureProject(dir: string): void {
  const lines = ['application:', '  runtimeManifest:', '    packages:'];
  for (const pkg of packages) {
    fs.mkdirSync(path.join(dir, 'actions', pkg), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'actions', pkg, 'consumer.js'),
      `exports.main = async (params) => ({ statusCode: 200, body: { type: 'consumer', response: { package: ${JSON.stringify(pkg)}, event: params.type, id: params.id } } });\n`,
    );
    lines.push(
      `      ${pkg}:`,
      '        actions:',
      '          consumer:',
      `            function: actions/${pkg}/consumer.js`,
      "            web: 'yes'",
      '            runtime: nodejs:20',
    );
  }
  fs.writeFileSync(path.join(dir, 'app.config.yaml'), lines.join('\n') + '\n');
}

function runChild(
  args: string[],
  childEnv: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectDir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function captureIo(): CliIo & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    interactive: false,
    confirm: async () => false,
    text: () => [...lines, ...errors].join('\n'),
  };
}

let platform: RunningPlatform;
let projectDir: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-e2e-app-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-e2e-data-'));
  fixtureProject(projectDir);
  fs.writeFileSync(path.join(projectDir, '.env'), '');
  const modules = defaultModules();
  if (!modules.some((m) => m.name === 'events')) modules.push(eventsModule());
  platform = await startPlatform({ projectDir, dataDir, port: 0, quiet: true, timeScale: 0.001, modules });
  env = { ...localDefaults(platform.url, dataDir), AIO_runtime_namespace: platform.config.namespace };
}, 60_000);

afterAll(async () => {
  await platform?.close();
  fs.rmSync(projectDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function onboard(
  argv: string[],
  extra: { catalog?: readonly CatalogEventLike[]; env?: Record<string, string> } = {},
) {
  const io = captureIo();
  const result = await runOnboarding({
    argv,
    env: { ...env, ...(extra.env ?? {}) },
    io,
    ...(extra.catalog ? { catalog: extra.catalog } : {}),
  });
  return { ...result, io };
}

/** The management API as a user would see it (plain fetch with a platform token). */
async function management(pathname: string): Promise<unknown> {
  const tok = (await (
    await fetch(`${platform.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: env.OAUTH_CLIENT_ID!,
        client_secret: env.OAUTH_CLIENT_SECRET!,
        scope: 'adobeio_api',
      }),
    })
  ).json()) as { access_token: string };
  const res = await fetch(`${platform.url}${pathname}`, {
    headers: {
      authorization: `Bearer ${tok.access_token}`,
      'x-api-key': env.OAUTH_CLIENT_ID!,
      'x-ims-org-id': env.OAUTH_ORG_ID!,
      accept: 'application/hal+json',
    },
  });
  expect(res.status).toBe(200);
  return res.json();
}

interface Reg {
  name: string;
  runtime_action?: string;
  events_of_interest: Array<{ event_code: string; provider_id: string }>;
}
const registrations = async (): Promise<Reg[]> => {
  const body = (await management(
    `/events/${env.IO_CONSUMER_ID}/${env.IO_PROJECT_ID}/${env.IO_WORKSPACE_ID}/registrations`,
  )) as { _embedded?: { registrations?: Reg[] } };
  return body._embedded?.registrations ?? [];
};

describe('npm run onboard against the local platform', () => {
  let providerIds: Record<string, string> = {};

  it('--dry-run on an empty workspace plans everything and changes nothing', async () => {
    const r = await onboard(['--dry-run']);
    expect(r.io.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.io.text()).toMatch(/Dry run: nothing was changed/);
    expect(await registrations()).toEqual([]);
  });

  it('the first run creates providers, metadata and one registration per consumer', async () => {
    const r = await onboard(['--yes']);
    expect(r.io.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    providerIds = r.providerIds ?? {};
    expect(Object.keys(providerIds).sort()).toEqual(['backoffice', 'commerce']);
    const regs = await registrations();
    expect(regs.map((x) => x.runtime_action).sort()).toEqual(packages.map((p) => `${p}/consumer`).sort());
    for (const reg of regs) {
      const want = catalog.filter((e) => e.consumer === reg.runtime_action);
      expect(reg.events_of_interest.map((e) => e.event_code).sort()).toEqual(want.map((e) => e.code).sort());
      for (const e of reg.events_of_interest) expect(e.provider_id).toBe(providerIds[want[0]!.direction]);
    }
  });

  it('the second run changes nothing and says so', async () => {
    const r = await onboard(['--yes']);
    expect(r.exitCode).toBe(0);
    expect(r.io.text()).toMatch(/Nothing to change/);
    expect(r.plan!.steps.every((s) => s.kind === 'unchanged')).toBe(true);
  });

  it('a catalog change updates only that metadata and that registration', async () => {
    const changed = catalog.map((e) =>
      e.code === 'be-observer.customer_update' ? { ...e, description: 'Customer changed in the CRM' } : e,
    );
    const extra: CatalogEventLike = {
      ...catalog.find((e) => e.code === 'be-observer.customer_delete')!,
      code: 'be-observer.customer_merge',
      label: 'Customers merged',
    };
    const r = await onboard(['--yes'], { catalog: [...changed, extra] });
    expect(r.io.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    const touched = r.plan!.steps.filter((s) => s.kind !== 'unchanged').map((s) => `${s.kind} ${s.what} ${s.name}`);
    expect(touched).toEqual([
      'update metadata be-observer.customer_update',
      'create metadata be-observer.customer_merge',
      'update registration Backoffice Customer Sync',
    ]);
    const again = await onboard(['--yes'], { catalog: [...changed, extra] });
    expect(again.io.text()).toMatch(/Nothing to change/);
  });

  it('--prune removes what the catalog dropped (and only with --prune)', async () => {
    const kept = await onboard(['--yes']);
    expect(kept.exitCode).toBe(0);
    expect(kept.plan!.steps.filter((s) => s.kind === 'delete-candidate').map((s) => s.name)).toEqual([
      'be-observer.customer_merge',
    ]);
    const meta = (await management(`/events/providers/${providerIds.backoffice}/eventmetadata`)) as {
      _embedded: { eventmetadata: Array<{ event_code: string }> };
    };
    expect(meta._embedded.eventmetadata.map((m) => m.event_code)).toContain('be-observer.customer_merge');

    const withoutStock = catalog.filter((e) => e.package !== 'stock-backoffice');
    const pruned = await onboard(['--yes', '--prune'], { catalog: withoutStock });
    expect(pruned.io.errors).toEqual([]);
    expect(pruned.exitCode).toBe(0);
    expect((await registrations()).map((x) => x.runtime_action)).not.toContain('stock-backoffice/consumer');
    const after = (await management(`/events/providers/${providerIds.backoffice}/eventmetadata`)) as {
      _embedded: { eventmetadata: Array<{ event_code: string }> };
    };
    const codes = after._embedded.eventmetadata.map((m) => m.event_code);
    expect(codes).not.toContain('be-observer.customer_merge');
    expect(codes).not.toContain('be-observer.catalog_stock_update');

    // restore the full catalog for the delivery test
    const restored = await onboard(['--yes']);
    expect(restored.exitCode).toBe(0);
  });

  it('events published after onboarding reach exactly the right consumer', async () => {
    const { init } = require('@adobe/aio-lib-events') as {
      init(o: string, k: string, t: string, h: object): Promise<{ publishEvent(e: object): Promise<unknown> }>;
    };
    const tok = (await (
      await fetch(`${platform.url}/ims/token/v3`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: env.OAUTH_CLIENT_ID!,
          client_secret: env.OAUTH_CLIENT_SECRET!,
        }),
      })
    ).json()) as { access_token: string };
    const client = await init(env.OAUTH_ORG_ID!, env.OAUTH_CLIENT_ID!, tok.access_token, {
      eventsBaseURL: platform.url,
      eventsIngressURL: `${platform.url}/ingress`,
    });
    const sent = [
      { code: 'be-observer.catalog_stock_update', provider: providerIds.backoffice!, pkg: 'stock-backoffice' },
      {
        code: 'com.adobe.commerce.observer.customer_save_commit_after',
        provider: providerIds.commerce!,
        pkg: 'customer-commerce',
      },
    ];
    const ids: string[] = [];
    for (const [i, s] of sent.entries()) {
      const id = `onboard-e2e-${i}-${Date.now()}`;
      ids.push(id);
      const entry = catalog.find((e) => e.code === s.code)!;
      await client.publishEvent({
        specversion: '1.0',
        id,
        source: `urn:uuid:${s.provider}`,
        type: s.code,
        datacontenttype: 'application/json',
        data: entry.dataWrapsValue ? { value: entry.sample } : entry.sample,
      });
    }
    const deadline = Date.now() + 15_000;
    for (const [i, id] of ids.entries()) {
      let names: string[] = [];
      while (Date.now() < deadline) {
        names = platform.ctx.runtime.activationsForEvent(id).map((a) => `${a.namespace}/${a.name}`);
        if (names.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(names).toHaveLength(1);
      expect(names[0]).toMatch(/\/consumer$/);
      const act = platform.ctx.runtime.activationsForEvent(id)[0]!;
      const result = act.response.result as { body?: { response?: { package?: string; event?: string } } };
      expect(result.body?.response).toEqual({ package: sent[i]!.pkg, event: sent[i]!.code, id });
    }
  });

  it('a failing management call: non-zero exit naming the call, its status and what to check', async () => {
    const broken = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"boom"}');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const port = (broken.address() as AddressInfo).port;
    try {
      const r = await onboard(['--yes'], { env: { IO_MANAGEMENT_BASE_URL: `http://127.0.0.1:${port}/events/` } });
      expect(r.exitCode).toBe(1);
      expect(r.io.errors.join('\n')).toMatch(/getAllProviders answered HTTP 500[\s\S]*check: /);

      // the real entry point, as `npm run onboard` runs it
      // (asynchronously: the platform serving IMS runs in this process)
      const child = await runChild(
        [
          path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          path.join(ROOT, 'scripts', 'onboarding', 'index.ts'),
          '--yes',
          '--env-file',
          path.join(projectDir, '.env'),
        ],
        { ...process.env, ...env, IO_MANAGEMENT_BASE_URL: `http://127.0.0.1:${port}/events/`, CI: 'true' },
      );
      expect(child.status).toBe(1);
      expect(child.stderr).toMatch(/getAllProviders answered HTTP 500/);
    } finally {
      await new Promise<void>((r) => broken.close(() => r()));
    }
  }, 40_000);
});
