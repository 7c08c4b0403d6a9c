import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform, type StartPlatformOptions } from '../../platform';
import type { RunningPlatform } from '../../platform/core/server';

export const FIXTURE_APP = path.join(__dirname, '..', 'fixtures', 'basic-app');

export function tempDir(prefix = 'platform-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Start the platform on a random port with a fresh data dir and an .env of `env`. */
export async function startTestPlatform(
  opts: StartPlatformOptions & { env?: Record<string, string> } = {},
): Promise<RunningPlatform & { dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir();
  const envFile = path.join(dataDir, 'test.env');
  fs.writeFileSync(
    envFile,
    Object.entries(opts.env ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  const { env: _env, ...rest } = opts;
  const p = await startPlatform({ projectDir: FIXTURE_APP, port: 0, quiet: true, envFile, ...rest, dataDir });
  return Object.assign(p, { dataDir });
}

export function basicAuth(auth: string): string {
  return `Basic ${Buffer.from(auth).toString('base64')}`;
}
