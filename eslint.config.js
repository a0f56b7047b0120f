// ESLint flat config: type-aware typescript-eslint, React hooks, TanStack Query, no import cycles,
// and the dependency direction of STYLE.md (matrix/lib → editor/components → features → app).
// Import cycles are checked by scripts/check-cycles.ts (see docs/decisions/003-cycle-check.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import pluginQuery from '@tanstack/eslint-plugin-query';
import globals from 'globals';
import { readdirSync } from 'node:fs';

const restrict = (patterns) => ['error', { patterns }];
/** The feature folders; each may import none of the others (compose them in app/). */
const FEATURES = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
/** Relative imports of one of our own top-level src folders (never a package's folder of the same name). */
const ours = (...dirs) =>
  dirs.flatMap((d) => [`./${d}/**`, `../${d}/**`, `../../${d}/**`, `../../../${d}/**`]);

/** src/matrix, src/lib and src/cli run in plain Node (the CLI) as well as the browser; src/receiver is Node. */
const PLAIN_TS = {
  group: [
    'react',
    'react-dom',
    'react/*',
    'zustand',
    'zustand/*',
    '@tanstack/*',
    'monaco-editor',
    'monaco-editor/*',
  ],
  message:
    'src/matrix, src/lib, src/cli and src/receiver are plain TypeScript (docs/architecture.md "Layers").',
};
const NO_UI = {
  group: ours('features', 'app', 'editor', 'components'),
  message: 'Dependencies point one way: matrix/lib never import UI layers.',
};
export default tseslint.config(
  { ignores: ['dist', 'node_modules', '.cache', 'test-results', 'playwright-report', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.tsx', 'src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks, '@tanstack/query': pluginQuery },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...pluginQuery.configs.recommended.rules,
    },
  },
  {
    files: ['src/matrix/**', 'src/cli/**', 'src/receiver/**'],
    rules: { 'no-restricted-imports': restrict([PLAIN_TS, NO_UI]) },
  },
  {
    files: ['src/editor/**', 'src/components/**'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ours('features', 'app'),
          message: 'editor/components never import features or app.',
        },
      ]),
    },
  },
  ...FEATURES.map((feature) => ({
    files: [`src/features/${feature}/**`],
    ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ours('app'), message: 'features never import app; compose them in app/.' },
        {
          regex: `^(\\.\\./)+(features/)?(${FEATURES.filter((f) => f !== feature).join('|')})/`,
          message: 'Features never import each other; compose them in app/ (docs/architecture.md "Layers").',
        },
      ]),
    },
  })),
  {
    files: ['src/lib/**'],
    rules: {
      'no-restricted-imports': restrict([
        PLAIN_TS,
        {
          group: ours('matrix', 'features', 'app', 'editor', 'components'),
          message: 'src/lib is the bottom layer: small generic helpers that import nothing of ours.',
        },
      ]),
    },
  },
  {
    files: [
      'src/matrix/api/**',
      'src/matrix/sync/**',
      'src/matrix/transport.ts',
      'src/matrix/authorization.ts',
    ],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict([
        PLAIN_TS,
        NO_UI,
        {
          regex: '(^|/)client\\.ts$',
          message:
            'Endpoint modules and sync engines depend on the Transport, not on the MatrixClient façade.',
        },
      ]),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**', 'integration/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
