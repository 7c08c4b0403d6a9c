/**
 * `npm run onboard -- --dry-run` in another terminal while `npm start` runs: with nothing
 * in .env it takes the running platform's local defaults (its URLs, fixed ids and the
 * secrets kept in its data dir), as `npm start` gives the app; without a platform it still
 * names what is missing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform, type RunningPlatform } from '../../platform';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'onboarding', 'index.ts');

let platform: RunningPlatform;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onboard-local-'));
  fs.writeFileSync(path.join(dir, 'app.config.yaml'), 'application:\n  runtimeManifest:\n    packages: {}\n');
  fs.writeFileSync(path.join(dir, '.env'), '');
  // the data dir npm start uses by default: ./.data of the project
  platform = await startPlatform({ projectDir: dir, dataDir: path.join(dir, '.data'), port: 0, quiet: true });
}, 60_000);

afterAll(async () => {
  await platform?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function onboard(extraEnv: Record<string, string>): Promise<{ status: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {};
  // only what a fresh shell has: no OAUTH_*, IO_*, COMMERCE_* from the test process
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS']) if (process.env[k]) env[k] = process.env[k];
  Object.assign(env, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), SCRIPT, '--dry-run'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, out });
    });
  });
}

test('--dry-run against the running local platform uses its local defaults', async () => {
  const port = new URL(platform.url).port;
  const r = await onboard({ PLATFORM_PORT: port });
  expect(r.out).not.toMatch(/missing environment/);
  expect(r.out).toMatch(new RegExp(`using the local platform at http://127\\.0\\.0\\.1:${port}`));
  expect(r.out).toMatch(/OAUTH_CLIENT_ID/);
  expect(r.out).toMatch(/Dry run: nothing was changed\./);
  expect(r.status).toBe(0);
}, 90_000);

test('without a running platform it still names every missing variable', async () => {
  const r = await onboard({ PLATFORM_PORT: '1' });
  expect(r.out).toMatch(/missing environment: OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET/);
  expect(r.status).toBe(2);
}, 90_000);
