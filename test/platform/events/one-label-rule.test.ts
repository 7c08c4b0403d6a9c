/**
 * The events config file (`--no-hooks` starts, events.config.json) and the onboarding hook
 * follow one rule for provider labels and registration names: whichever ran first, the other
 * finds its providers and registrations instead of creating a second set (a second set would
 * deliver every event twice).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform } from '../../../platform';
import type { RunningPlatform } from '../../../platform/core/server';
import { namespacedLabel } from '../../../platform/events/seed';
import { runOnboarding } from '../../../scripts/onboarding/onboard';
import { EVENTS_CONFIG_FILE } from '../../../scripts/events-config';
import { BACKOFFICE_PROVIDER, providerLabel } from '../../../src/catalog';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

async function start(dataDir: string, seed: boolean): Promise<RunningPlatform> {
  const projectDir = tmp('label-app-');
  const envFile = path.join(projectDir, '.env');
  fs.writeFileSync(envFile, seed ? `PLATFORM_EVENTS_CONFIG=${EVENTS_CONFIG_FILE}\n` : '');
  return startPlatform({ projectDir, dataDir, envFile, port: 0, quiet: true });
}

/** the post-app-deploy hook's onboarding, with the environment cli/hook.ts gives it */
async function onboard(p: RunningPlatform): Promise<string[]> {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), interactive: false };
  const r = await runOnboarding({
    argv: ['--yes'],
    env: { ...p.config.env, AIO_RUNTIME_NAMESPACE: p.config.namespace },
    io: { ...io, confirm: async () => true },
  });
  expect(r.exitCode).toBe(0);
  return (r.plan?.steps ?? []).filter((s) => s.kind === 'create').map((s) => `${s.what} ${s.name}`);
}

async function counts(p: RunningPlatform): Promise<{ providers: string[]; registrations: number }> {
  const db = p.ctx.db;
  const providers = (db.prepare('SELECT label FROM ev_providers ORDER BY label').all() as Array<{ label: string }>).map(
    (r) => r.label,
  );
  const registrations = (db.prepare('SELECT COUNT(*) AS n FROM ev_registrations').get() as { n: number }).n;
  return { providers, registrations };
}

it("the seed's label rule is the catalog's", () => {
  for (const ns of ['development-918-localapp', '1234567-myproject-stage', 'plain', undefined]) {
    expect(namespacedLabel(BACKOFFICE_PROVIDER.label, ns)).toBe(providerLabel(BACKOFFICE_PROVIDER, ns));
  }
});

it('a --no-hooks start after the onboarding hook adopts its providers and registrations', async () => {
  const dataDir = tmp('label-hook-first-');
  let p = await start(dataDir, false);
  const created = await onboard(p);
  expect(created.filter((c) => c.startsWith('registration')).length).toBeGreaterThan(0);
  const before = await counts(p);
  await p.close();
  p = await start(dataDir, true);
  try {
    expect(await counts(p)).toEqual(before);
    expect(before.providers).toHaveLength(2);
  } finally {
    await p.close();
  }
});

it('the onboarding hook after a --no-hooks start creates no provider or registration', async () => {
  const dataDir = tmp('label-seed-first-');
  let p = await start(dataDir, true);
  const before = await counts(p);
  await p.close();
  p = await start(dataDir, false);
  try {
    const created = await onboard(p);
    expect(created).toEqual([]);
    expect(await counts(p)).toEqual(before);
  } finally {
    await p.close();
  }
});
