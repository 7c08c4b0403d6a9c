/**
 * webpack loader for src/catalog/validators.ts: instead of that module (ajv compiling the
 * catalog's schemas at run time), the bundle gets every schema compiled ahead of time to ajv
 * standalone code, generated from src/catalog by scripts/generate-validators.ts (in a child
 * process: it is TypeScript, and this runs inside whatever process loaded webpack).
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const inputs = () => [
  path.join(root, 'scripts', 'generate-validators.ts'),
  ...fs
    .readdirSync(path.join(root, 'src', 'catalog'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(root, 'src', 'catalog', f)),
];
let memo = { key: '', code: '' };

function generated() {
  const files = inputs();
  const key = files.map((f) => `${f}:${fs.statSync(f).mtimeMs}`).join('|');
  if (memo.key !== key) {
    const tsx = require.resolve('tsx/cli', { paths: [root] });
    const code = execFileSync(process.execPath, [tsx, path.join(root, 'scripts', 'generate-validators.ts'), '-'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    memo = { key, code };
  }
  return { files, code: memo.code };
}

module.exports = function validatorsLoader() {
  const { files, code } = generated();
  for (const f of files) this.addDependency(f);
  return code;
};
