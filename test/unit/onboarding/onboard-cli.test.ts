import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { catalog } from '../../../src/catalog';
import { runOnboarding } from '../../../scripts/onboarding/onboard';
import type { CliIo } from '../../../scripts/onboarding/cli-common';
import type { CatalogEventLike } from '../../../scripts/onboarding/config';
import { FakeManagement } from './fake-management';
import { clearImsCache } from '../../../src/clients/ims';

/** A real HTTP server speaking IMS client_credentials; answers `imsStatus`. */
let ims: http.Server;
let imsBase = '';
let imsStatus = 200;
const imsRequests: string[] = [];

beforeAll(async () => {
  ims = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      imsRequests.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(imsStatus, { 'content-type': 'application/json' });
      res.end(
        imsStatus === 200
          ? JSON.stringify({ access_token: 'tok', token_type: 'bearer', expires_in: 86399 })
          : JSON.stringify({ error: 'invalid_client' }),
      );
    });
  });
  await new Promise<void>((r) => ims.listen(0, '127.0.0.1', r));
  imsBase = `http://127.0.0.1:${(ims.address() as AddressInfo).port}/ims/token/`;
});
afterAll(() => new Promise<void>((r) => ims.close(() => r())));
beforeEach(() => {
  imsStatus = 200;
  // the app's IMS client keeps tokens per process (a CLI run is one process)
  clearImsCache();
});

const baseEnv = (): Record<string, string> => ({
  OAUTH_BASE_URL: imsBase,
  OAUTH_CLIENT_ID: 'client',
  OAUTH_CLIENT_SECRET: 'secret',
  OAUTH_ORG_ID: 'ORG@AdobeOrg',
  IO_CONSUMER_ID: '000000',
  IO_PROJECT_ID: 'proj',
  IO_WORKSPACE_ID: 'ws',
  IO_MANAGEMENT_BASE_URL: 'http://127.0.0.1:1/events/',
});

function captureIo(
  opts: { interactive?: boolean; answer?: boolean } = {},
): CliIo & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    interactive: opts.interactive ?? false,
    confirm: async () => opts.answer ?? false,
    text: () => [...lines, ...errors].join('\n'),
  };
}

async function onboard(
  api: FakeManagement,
  argv: string[],
  extra: {
    catalog?: readonly CatalogEventLike[];
    env?: Record<string, string>;
    io?: ReturnType<typeof captureIo>;
    envFile?: string;
  } = {},
) {
  const io = extra.io ?? captureIo();
  const deps = {
    argv,
    env: { ...baseEnv(), ...(extra.env ?? {}) },
    io,
    createApi: async () => api,
    ...(extra.catalog ? { catalog: extra.catalog } : {}),
    ...(extra.envFile ? { envFile: extra.envFile } : {}),
  };
  const result = await runOnboarding(deps);
  return { ...result, io };
}

const packagesOf = (c: readonly CatalogEventLike[]) => new Set(c.map((e) => e.consumer));

describe('npm run onboard (in-process, in-memory management API)', () => {
  it('first run creates everything; the second run changes nothing and says so', async () => {
    const api = new FakeManagement();
    const first = await onboard(api, ['--yes']);
    expect(first.exitCode).toBe(0);
    expect(api.providers.size).toBe(2);
    expect(api.registrations.size).toBe(packagesOf(catalog).size);
    const metaCount = [...api.providers.values()].reduce((n, p) => n + p.metadata.size, 0);
    expect(metaCount).toBe(catalog.length);
    expect(first.io.text()).toMatch(/Summary:/);
    expect(first.io.lines.some((l) => /\[\s*1\/\d+\] create\s+provider/.test(l))).toBe(true);

    // every registration has exactly its package's events, with the right provider ids
    const ids = first.providerIds!;
    for (const r of api.registrations.values()) {
      const pkgEvents = catalog.filter((e) => e.consumer === r.runtime_action);
      expect(r.delivery_type).toBe('webhook');
      expect(r.client_id).toBe('client');
      expect(r.events_of_interest.map((e) => e.event_code).sort()).toEqual(pkgEvents.map((e) => e.code).sort());
      for (const e of r.events_of_interest) expect(e.provider_id).toBe(ids[pkgEvents[0]!.direction]);
    }

    api.calls = [];
    const second = await onboard(api, ['--yes']);
    expect(second.exitCode).toBe(0);
    expect(api.calls).toEqual([]);
    expect(second.io.text()).toMatch(/Nothing to change/);
  });

  it('samples are registered as base64 of the CloudEvent data (Commerce wraps the value)', async () => {
    const api = new FakeManagement();
    await onboard(api, ['--yes']);
    const commerce = [...api.providers.values()].find((p) => p.provider_metadata === 'dx_commerce_events')!;
    const m = [...commerce.metadata.values()][0]!;
    const decoded: unknown = JSON.parse(Buffer.from(m.sample_event_template!, 'base64').toString());
    expect(decoded).toHaveProperty('value');
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const api = new FakeManagement();
    const r = await onboard(api, ['--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(api.calls).toEqual([]);
    expect(r.io.text()).toMatch(/Plan:/);
    expect(r.io.text()).toMatch(/Dry run: nothing was changed/);
  });

  it('a catalog change updates only that metadata and registration', async () => {
    const api = new FakeManagement();
    await onboard(api, ['--yes']);
    api.calls = [];
    const modified = catalog.map((e) =>
      e.code === 'be-observer.catalog_product_update' ? { ...e, label: 'Product changed in the ERP' } : e,
    );
    const extra: CatalogEventLike = {
      ...catalog.find((e) => e.code === 'be-observer.catalog_product_delete')!,
      code: 'be-observer.catalog_product_archive',
      label: 'archived',
    };
    const r = await onboard(api, ['--yes'], { catalog: [...modified, extra] });
    expect(r.exitCode).toBe(0);
    expect(api.calls).toEqual([
      'updateEventMetadata be-observer.catalog_product_update',
      'createEventMetadata be-observer.catalog_product_archive',
      'updateRegistration Backoffice Product Sync',
    ]);
  });

  it('without --prune dropped things are kept; with --prune they are deleted', async () => {
    const api = new FakeManagement();
    await onboard(api, ['--yes']);
    const reduced = catalog.filter(
      (e) => e.package !== 'stock-commerce' && e.code !== 'be-observer.catalog_product_delete',
    );
    api.calls = [];
    const kept = await onboard(api, ['--yes'], { catalog: reduced });
    expect(kept.exitCode).toBe(0);
    expect(api.calls).toEqual(['updateRegistration Backoffice Product Sync']);
    expect(kept.io.text()).toMatch(/delete-candidate/);

    api.calls = [];
    const pruned = await onboard(api, ['--yes', '--prune'], { catalog: reduced });
    expect(pruned.exitCode).toBe(0);
    expect(api.calls).toEqual([
      'deleteRegistration Commerce Stock Sync',
      'deleteEventMetadata be-observer.catalog_product_delete',
      'deleteEventMetadata com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
    ]);
    api.calls = [];
    const again = await onboard(api, ['--yes', '--prune'], { catalog: reduced });
    expect(again.io.text()).toMatch(/Nothing to change/);
  });

  it('a failing management call: exit 1, the call, its status and what to check; the rerun finishes', async () => {
    const api = new FakeManagement();
    api.failures.set('createRegistration', 500);
    const r = await onboard(api, ['--yes']);
    expect(r.exitCode).toBe(1);
    const err = r.io.errors.join('\n');
    expect(err).toMatch(/createRegistration\(.+\) answered HTTP 500/);
    expect(err).toMatch(/check: /);
    expect(r.io.lines.some((l) => /\.\.\. failed/.test(l))).toBe(true);
    expect(r.io.text()).toMatch(/skipped/);
    const rerun = await onboard(api, ['--yes']);
    expect(rerun.exitCode).toBe(0);
    expect(api.registrations.size).toBe(packagesOf(catalog).size);
  });

  it('a failing read (401) names the call and the credentials to check', async () => {
    const api = new FakeManagement();
    api.failures.set('getAllProviders', 401);
    const r = await onboard(api, ['--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.io.errors.join('\n')).toMatch(/getAllProviders answered HTTP 401[\s\S]*OAUTH_CLIENT_ID/);
  });

  it('an IMS failure names the token call and the OAuth variables', async () => {
    imsStatus = 401;
    const r = await onboard(new FakeManagement(), ['--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.io.errors.join('\n')).toMatch(/IMS token answered HTTP 401[\s\S]*OAUTH_CLIENT_SECRET/);
  });

  it('an unreachable IMS names the URL to check', async () => {
    const r = await onboard(new FakeManagement(), ['--yes'], {
      env: { OAUTH_BASE_URL: 'http://127.0.0.1:1/ims/token/' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.io.errors.join('\n')).toMatch(/IMS token failed[\s\S]*OAUTH_BASE_URL/);
  });

  it('no terminal and no --yes: refuses with a clear message, changes nothing', async () => {
    const api = new FakeManagement();
    const r = await onboard(api, []);
    expect(r.exitCode).toBe(2);
    expect(r.io.errors.join('\n')).toMatch(/--yes/);
    expect(api.calls).toEqual([]);
  });

  it('a terminal: asks, and a "no" changes nothing', async () => {
    const api = new FakeManagement();
    const r = await onboard(api, [], { io: captureIo({ interactive: true, answer: false }) });
    expect(r.exitCode).toBe(0);
    expect(api.calls).toEqual([]);
    const yes = await onboard(api, [], { io: captureIo({ interactive: true, answer: true }) });
    expect(yes.exitCode).toBe(0);
    expect(api.calls.length).toBeGreaterThan(0);
  });

  it('--write-env writes the provider ids and keeps every other line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-env-'));
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# my settings\nFOO=bar\nBACKOFFICE_PROVIDER_ID=old\n\nBAZ="q x"\n');
    const api = new FakeManagement();
    const r = await onboard(api, ['--yes', '--write-env'], { envFile: file });
    expect(r.exitCode).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(
      `# my settings\nFOO=bar\nBACKOFFICE_PROVIDER_ID=${r.providerIds!.backoffice}\n\nBAZ="q x"\nCOMMERCE_PROVIDER_ID=${r.providerIds!.commerce}\n`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a known BACKOFFICE_PROVIDER_ID is used even if the label differs', async () => {
    const api = new FakeManagement();
    const first = await onboard(api, ['--yes']);
    api.calls = [];
    const r = await onboard(api, ['--yes'], {
      env: { BACKOFFICE_PROVIDER_ID: first.providerIds!.backoffice!, AIO_runtime_namespace: '12345-other-stage' },
    });
    // the Commerce provider is found by label, which now has a suffix: it is created anew
    expect(api.calls.filter((c) => c.startsWith('createProvider'))).toEqual([
      'createProvider Commerce Provider - other-stage',
    ]);
    expect(r.exitCode).toBe(0);
  });

  it('EVENT_PREFIX: Commerce codes carry the prefix, back-office codes do not', async () => {
    const api = new FakeManagement();
    await onboard(api, ['--yes'], { env: { EVENT_PREFIX: 'acme' } });
    const codes = [...api.providers.values()].flatMap((p) => [...p.metadata.keys()]);
    expect(codes).toContain('com.adobe.commerce.acme.observer.catalog_product_save_commit_after');
    expect(codes).toContain('be-observer.catalog_product_create');
  });

  it('missing environment: exit 2 naming every missing variable', async () => {
    const io = captureIo();
    const r = await runOnboarding({
      argv: ['--yes'],
      env: { OAUTH_CLIENT_ID: 'x' },
      io,
      createApi: async () => new FakeManagement(),
    });
    expect(r.exitCode).toBe(2);
    expect(io.errors[0]).toMatch(/OAUTH_CLIENT_SECRET, OAUTH_ORG_ID, IO_CONSUMER_ID, IO_PROJECT_ID, IO_WORKSPACE_ID/);
  });

  it('--help and unknown flags', async () => {
    const help = await onboard(new FakeManagement(), ['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.io.lines.join('\n')).toMatch(/--dry-run[\s\S]*--prune[\s\S]*--write-env/);
    const bad = await onboard(new FakeManagement(), ['--frobnicate']);
    expect(bad.exitCode).toBe(2);
  });

  it('the IMS call is client_credentials to OAUTH_BASE_URL + v3', () => {
    expect(
      imsRequests.some((r) =>
        r.startsWith('POST /ims/token/v3 grant_type=client_credentials&client_id=client&client_secret=secret'),
      ),
    ).toBe(true);
  });
});
