import fs from 'node:fs';
import path from 'node:path';
import { startPlatform } from '../../platform';
import { tempDir } from './helpers';

// An action under a `*webpack-config.js` is built the way `aio app build` builds it (the CLI's
// defines included), so the local platform runs the deployed bundle; one without stays on esbuild.
test('the platform builds an action under a webpack-config.js with it, and the others with esbuild', async () => {
  const project = tempDir('webpack-app-');
  fs.mkdirSync(path.join(project, 'actions', 'packed'), { recursive: true });
  fs.writeFileSync(
    path.join(project, 'app.config.yaml'),
    [
      'application:',
      '  runtimeManifest:',
      '    packages:',
      '      w:',
      '        actions:',
      '          packed:',
      '            function: actions/packed/index.js',
      "            web: 'yes'",
      '          plain:',
      '            function: actions/plain.js',
      "            web: 'yes'",
      '',
    ].join('\n'),
  );
  const body =
    "exports.main = () => ({ body: typeof WEBPACK_ACTION_BUILD !== 'undefined' ? 'webpack' : 'esbuild' });\n";
  fs.writeFileSync(path.join(project, 'actions', 'packed', 'webpack-config.js'), 'module.exports = {};\n');
  fs.writeFileSync(path.join(project, 'actions', 'packed', 'index.js'), body);
  fs.writeFileSync(path.join(project, 'actions', 'plain.js'), body);
  const p = await startPlatform({
    projectDir: project,
    port: 0,
    quiet: true,
    watch: false,
    dataDir: path.join(project, '.data'),
  });
  try {
    const url = (a: string) => `${p.url}/api/v1/web/${p.config.namespace}/w/${a}`;
    expect(await (await fetch(url('packed'))).text()).toBe('webpack');
    expect(await (await fetch(url('plain'))).text()).toBe('esbuild');
  } finally {
    await p.close();
  }
}, 60_000);
