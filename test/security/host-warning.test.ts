/**
 * `platform start --host 0.0.0.0` says, before anything else, that every surface is then
 * exposed to the network and which ones; on 127.0.0.1 it says nothing of the kind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_APP, tempDir } from '../platform/helpers';

const ROOT = path.join(__dirname, '..', '..');

/** Start the CLI, wait for its summary, stop it; what it wrote to stderr. */
function startCli(host: string): Promise<{ stdout: string; stderr: string }> {
  const dataDir = tempDir('host-warning-');
  const envFile = path.join(dataDir, 'none.env');
  fs.writeFileSync(envFile, '');
  const args = ['--require', 'tsx/cjs', 'platform/cli.ts', 'start', '--host', host, '--port', '0'];
  args.push('--data-dir', dataDir, '--env-file', envFile, '--project-dir', FIXTURE_APP, '--no-hooks', '--no-watch');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the platform did not start: ${stderr}`));
    }, 25_000);
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!stdout.includes('Local Adobe I/O platform on')) return;
      clearTimeout(timer);
      child.on('exit', () => resolve({ stdout, stderr }));
      child.kill('SIGTERM');
    });
    child.on('error', reject);
  });
}

test('binding to 0.0.0.0 prints a warning naming the exposed surfaces; 127.0.0.1 does not', async () => {
  const [exposed, local] = await Promise.all([startCli('0.0.0.0'), startCli('127.0.0.1')]);
  expect(exposed.stderr).toMatch(/WARNING: the platform listens on 0\.0\.0\.0/);
  for (const surface of ['/events/_local/', '/console/api/', '/commerce/_control/fail', '/ingress', '/ims/token/v3'])
    expect(exposed.stderr).toContain(surface);
  expect(exposed.stderr).toContain('docs/security.md');
  expect(local.stderr).not.toContain('WARNING');
}, 60_000);
