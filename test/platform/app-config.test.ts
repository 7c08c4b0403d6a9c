import fs from 'node:fs';
import path from 'node:path';
import { loadAppConfig, resolveInputs } from '../../platform/core/app-config';
import { FIXTURE_APP, tempDir } from './helpers';

test('fixture app: $include at several levels, function paths relative to the including file', () => {
  const cfg = loadAppConfig(FIXTURE_APP);
  const echo = cfg.actions.find((a) => a.fullName === 'demo/echo');
  expect(echo).toMatchObject({
    packageName: 'demo',
    actionName: 'echo',
    functionPath: path.join(FIXTURE_APP, 'actions', 'demo', 'echo.ts'),
    web: true,
    rawHttp: false,
    final: false,
    runtime: 'nodejs:20',
    limits: { timeout: 60000, memory: 256, concurrency: 1 },
  });
  expect(cfg.actions.find((a) => a.fullName === 'demo/raw')?.rawHttp).toBe(true);
  expect(cfg.actions.find((a) => a.fullName === 'demo/http')?.final).toBe(true);
  expect(cfg.actions.find((a) => a.fullName === 'demo/secure')?.requireAdobeAuth).toBe(true);
  expect(cfg.actions.find((a) => a.fullName === 'demo/counter')?.web).toBe(false);
  expect(cfg.actions.find((a) => a.fullName === 'demo/behave')?.limits).toEqual({
    timeout: 1500,
    memory: 64,
    concurrency: 1,
  });
});

test('extensions, hooks, annotations raw-http, limits as strings, no app.config.yaml', () => {
  const dir = tempDir('appcfg-');
  fs.mkdirSync(path.join(dir, 'src', 'ext'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'app.config.yaml'),
    `application:
  hooks:
    post-app-deploy: node scripts/onboard.js --yes
extensions:
  dx/excshell/1:
    $include: src/ext/ext.config.yaml
`,
  );
  fs.writeFileSync(
    path.join(dir, 'src', 'ext', 'ext.config.yaml'),
    `runtimeManifest:
  packages:
    ext:
      inputs:
        SHARED: from-package
      actions:
        hello:
          function: actions/hello/index.js
          web: 'yes'
          annotations:
            raw-http: true
          limits:
            timeout: '5000'
            concurrency: 4
`,
  );
  const cfg = loadAppConfig(dir);
  expect(cfg.hooks).toEqual({ 'post-app-deploy': 'node scripts/onboard.js --yes' });
  expect(cfg.actions).toHaveLength(1);
  expect(cfg.actions[0]).toMatchObject({
    fullName: 'ext/hello',
    functionPath: path.join(dir, 'src', 'ext', 'actions', 'hello', 'index.js'),
    rawHttp: true,
    inputs: { SHARED: 'from-package' },
    limits: { timeout: 5000, memory: 256, concurrency: 4 },
  });
  expect(loadAppConfig(tempDir('empty-'))).toEqual({ actions: [], hooks: {} });
});

test('$include cycles are reported', () => {
  const dir = tempDir('cycle-');
  fs.writeFileSync(path.join(dir, 'app.config.yaml'), 'application:\n  $include: b.yaml\n');
  fs.writeFileSync(path.join(dir, 'b.yaml'), '$include: app.config.yaml\n');
  expect(() => loadAppConfig(dir)).toThrow(/cycle/);
});

test('inputs: $VAR and ${VAR}, whole and embedded, unset whole values left out, non-strings kept', () => {
  const env = { A: 'alpha', URL: 'http://h/' };
  expect(
    resolveInputs(
      {
        a: '$A',
        b: '${A}',
        c: '${URL}v3',
        d: '$MISSING',
        e: 'x-$MISSING-y',
        f: 42,
        g: true,
        h: { nested: '$A' },
        i: 'plain',
      },
      env,
    ),
  ).toEqual({
    a: 'alpha',
    b: 'alpha',
    c: 'http://h/v3',
    e: 'x--y',
    f: 42,
    g: true,
    h: { nested: 'alpha' },
    i: 'plain',
  });
});
