import fs from 'node:fs';
import path from 'node:path';
import { startPlatform } from '../../platform';
import { tempDir } from './helpers';

test('an edited action is rebuilt and its warm workers are recycled', async () => {
  const project = tempDir('watch-app-');
  fs.mkdirSync(path.join(project, 'actions'));
  fs.writeFileSync(
    path.join(project, 'app.config.yaml'),
    `application:\n  runtimeManifest:\n    packages:\n      w:\n        actions:\n          v:\n            function: actions/v.ts\n            web: 'yes'\n`,
  );
  const src = path.join(project, 'actions', 'v.ts');
  fs.writeFileSync(src, `export const main = () => ({ body: 'one' });\n`);
  const p = await startPlatform({
    projectDir: project,
    port: 0,
    quiet: true,
    watch: true,
    dataDir: path.join(project, '.data'),
  });
  try {
    const url = `${p.url}/api/v1/web/${p.config.namespace}/w/v`;
    expect(await (await fetch(url)).text()).toBe('one');
    fs.writeFileSync(src, `export const main = () => ({ body: 'two' });\n`);
    let text = 'one';
    for (let i = 0; i < 100 && text !== 'two'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await (await fetch(url)).text();
    }
    expect(text).toBe('two');
    // a build error keeps the platform up and reports the error on invoke
    fs.writeFileSync(src, `export const main = ( => ;\n`);
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await fetch(url)).status;
    }
    expect(status).toBe(502);
    expect(((await (await fetch(url)).json()) as { error: string }).error).toMatch(/failed to build/);
  } finally {
    await p.close();
  }
}, 30_000);
