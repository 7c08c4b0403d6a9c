// Lint: correctness rules of eslint and typescript-eslint, the layer rule (imports only run
// downward, platform modules talk through core's interfaces), no import cycles, and short
// functions. Formatting is prettier's (see .prettierrc.json), not eslint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

// The app's layers, lowest first. A layer may import the layers before it, never after.
const SRC_LAYERS = [['contract'], ['kernel'], ['catalog'], ['state'], ['clients'], ['ingest', 'deliver', 'outbound']];
// The platform's modules: each reaches another only through platform/core (types, context).
const PLATFORM_MODULES = ['runtime', 'events', 'state', 'ims', 'commerce', 'lookup', 'console', 'proxy'];

function srcLayerZones() {
  const zones = [];
  SRC_LAYERS.forEach((layer, i) => {
    const above = SRC_LAYERS.slice(i + 1).flat();
    for (const folder of layer) {
      const siblings = layer.filter((f) => f !== folder);
      for (const from of [...above, ...siblings]) {
        zones.push({
          target: `./src/${folder}`,
          from: `./src/${from}`,
          message: `src/${folder} is below src/${from}: imports run downward only.`,
        });
      }
    }
  });
  return zones;
}

function platformZones() {
  const zones = [
    {
      target: './platform',
      from: './src',
      except: ['./contract'],
      message: 'platform/ may import only src/contract from the app.',
    },
    { target: './platform', from: './actions', message: "platform/ never imports the app's actions." },
    { target: './src', from: './platform', message: 'the app never imports the platform.' },
    { target: './actions', from: './platform', message: 'actions never import the platform.' },
    {
      target: './platform/core',
      from: PLATFORM_MODULES.map((m) => `./platform/${m}`),
      message: 'platform/core is below every module.',
    },
  ];
  for (const m of PLATFORM_MODULES) {
    const others = PLATFORM_MODULES.filter((o) => o !== m).map((o) => `./platform/${o}`);
    zones.push({
      target: `./platform/${m}`,
      from: others,
      message: `platform/${m} reaches other modules through platform/core's interfaces (the context), not their files.`,
    });
  }
  return zones;
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.data/**',
      'coverage/**',
      'test-artifacts/**',
      '**/*.d.ts',
      'platform/console/assets/**',
      'test/fixtures/**',
      'test/**/fixture-app/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'import-x/no-restricted-paths': ['error', { zones: [...srcLayerZones(), ...platformZones()] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'actions/**/*.ts', 'platform/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/catalog/events.ts', 'src/catalog/schemas.ts', 'src/catalog/commercetools.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }] },
  },
  {
    // tests poke at loosely typed replies; the boundary rule is for shipped code
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
