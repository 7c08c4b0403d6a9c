import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, runHook, summary } from '../../platform/cli';
import { startPlatform } from '../../platform';
import { startTestPlatform, tempDir } from './helpers';

const ROOT = path.join(__dirname, '..', '..');

test('parseArgs: every option, = form, unknown option', () => {
  expect(
    parseArgs([
      'start',
      '--port',
      '0',
      '--data-dir=/d',
      '--env-file',
      'e',
      '--project-dir',
      'p',
      '--production-limits',
      '--time-scale',
      '0.01',
      '--no-hooks',
    ]),
  ).toMatchObject({
    command: 'start',
    port: 0,
    dataDir: '/d',
    envFile: 'e',
    projectDir: 'p',
    productionLimits: true,
    timeScale: 0.01,
    hooks: false,
    watch: true,
  });
  expect(() => parseArgs(['start', '--bogus'])).toThrow(/unknown option/);
  expect(() => parseArgs(['start', '--port'])).toThrow(/needs a value/);
});

test('--help prints usage (through the real entry point)', () => {
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'platform/cli.ts', '--help'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/Usage: platform start/);
  expect(r.stdout).toMatch(/--production-limits/);
}, 20_000);

test('summary: actions with web URL or REST path, namespace, key, console', async () => {
  const p = await startTestPlatform();
  try {
    const s = summary(p);
    expect(s).toContain(`namespace  ${p.config.namespace}`);
    expect(s).toContain(p.config.auth);
    expect(s).toContain(`${p.url}/console`);
    expect(s).toMatch(new RegExp(`demo/echo +${p.url}/api/v1/web/${p.config.namespace}/demo/echo\n`));
    expect(s).toContain(`POST ${p.url}/api/v1/namespaces/${p.config.namespace}/actions/demo/counter?blocking=true`);
    // no ingestion/webhook action in this app: no curl
    expect(s).not.toContain('curl');
  } finally {
    await p.close();
  }
});

test('post-app-deploy hook gets the runtime credentials and local defaults; failure is not fatal', async () => {
  const p = await startTestPlatform();
  const out = path.join(p.dataDir, 'hook-out.json');
  const writes: string[] = [];
  const orig = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string) => (writes.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => (writes.push(String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await runHook(
      p,
      `node -e "require('fs').writeFileSync(process.argv[1], JSON.stringify({h: process.env.AIO_RUNTIME_APIHOST, n: process.env.AIO_RUNTIME_NAMESPACE, a: process.env.AIO_RUNTIME_AUTH, m: process.env.IO_MANAGEMENT_BASE_URL})); console.log('hello from hook')" ${out}`,
    );
    expect(code).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({
      h: p.url,
      n: p.config.namespace,
      a: p.config.auth,
      m: `${p.url}/events/`,
    });
    expect(writes.join('')).toContain('[post-app-deploy] hello from hook');
    const failed = await runHook(p, 'node -e "process.exit(4)"');
    expect(failed).toBe(4);
    expect(writes.join('')).toMatch(/hook FAILED/);
  } finally {
    process.stdout.write = orig;
    process.stderr.write = origErr;
    await p.close();
  }
});

test('an app with an ingestion webhook gets a ready-to-paste curl that works', async () => {
  const project = tempDir('curl-app-');
  fs.mkdirSync(path.join(project, 'actions'));
  fs.writeFileSync(
    path.join(project, 'app.config.yaml'),
    `application:\n  runtimeManifest:\n    packages:\n      ingestion:\n        actions:\n          webhook:\n            function: actions/webhook.js\n            web: 'yes'\n            inputs:\n              INGESTION_API_KEY: $INGESTION_API_KEY\n`,
  );
  fs.writeFileSync(
    path.join(project, 'actions', 'webhook.js'),
    `exports.main = (p) => ({ statusCode: p.__ow_headers['x-api-key'] === p.INGESTION_API_KEY ? 200 : 401, body: { uid: p.data && p.data.uid } });`,
  );
  const p = await startPlatform({ projectDir: project, port: 0, quiet: true, dataDir: path.join(project, '.data') });
  try {
    const s = summary(p);
    const line = s.split('\n').find((l) => l.trim().startsWith('curl ')) as string;
    expect(line).toContain(`x-api-key: ${p.config.env.INGESTION_API_KEY}`);
    // asynchronously: the platform serving the curl runs in this process
    const r = await promisify(execFile)('bash', ['-c', `${line.trim()} -w ' %{http_code}'`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^\{"uid":"sample-\d+"\} 200$/);
  } finally {
    await p.close();
  }
});
