// ESLint flat config: typescript-eslint's recommended rules everywhere, plus the layer
// boundaries of docs/architecture.md (scripts/lint/boundaries.js) and the engine's
// determinism rules. `npm run lint` runs it with --max-warnings 0.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import uvmscope from './scripts/lint/boundaries.js';

export default defineConfig(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'tools/**', 'coverage/**', '**/.scratch/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { uvmscope },
    rules: {
      'uvmscope/boundaries': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Node: main, hosts, cli, scripts, bin, bench, tests, configs.
    files: [
      'src/main/**',
      'src/hosts/**',
      'src/cli/**',
      'scripts/**',
      'bin/**',
      'bench/**',
      'test/**',
      '*.config.{js,ts}',
      '*.config.*.{js,ts}',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'uvmscope/user-strings': 'error',
      'no-restricted-syntax': [
        'error',
        {
          // React calls whatever an effect returns as its cleanup; Chromium's scrollIntoView
          // now returns a Promise, so `useEffect(() => el.scrollIntoView())` crashed the app.
          selector: 'CallExpression[callee.name=/^use(Layout|Insertion)?Effect$/] > ArrowFunctionExpression[expression=true]',
          message: 'Give effects a block body: React calls whatever an effect returns as its cleanup.',
        },
      ],
    },
  },
  {
    // The engine: no clock and no unseeded randomness (DESIGN.md, "Determinism").
    files: ['src/engine/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'The engine is deterministic: use its seeded generator.' },
        { object: 'Date', property: 'now', message: 'The engine has no clock: use simulated time.' },
        { object: 'performance', property: 'now', message: 'The engine has no clock: use simulated time.' },
      ],
    },
  },
);
