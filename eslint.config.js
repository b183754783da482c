import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * Layers (DEVELOPERS.md): src/ is the pure core and imports no electron,
 * react or DOM; main/ may use electron and the core; preload/ only electron's
 * renderer modules and the shared contract; renderer/ the DOM, React and the
 * contract types. Enforced here, not by good intentions.
 */
const electronAndUi = [
  { name: 'electron', message: 'src/ is the pure core: no electron (DEVELOPERS.md, layers).' },
  { name: 'react', message: 'src/ is the pure core: no React.' },
  { name: 'react-dom', message: 'src/ is the pure core: no React.' },
  { name: 'zustand', message: 'src/ is the pure core: no UI state.' },
];

/** The core's import rule, plus a folder's own allow-list (a later block replaces the rule, so it repeats the core's). */
function coreImports(...folderPatterns) {
  return [
    'error',
    {
      paths: electronAndUi,
      patterns: [
        { group: ['electron/*', 'react/*', 'react-dom/*'], message: 'src/ is the pure core.' },
        {
          group: ['**/main/**', '**/preload/**', '**/renderer/**'],
          message: 'The core must not depend on the app layers.',
        },
        ...folderPatterns,
      ],
    },
  ];
}

/**
 * The rollout pipeline (src/rollout: files, sources, lines, decode) is the
 * bottom of the core (issue 22 §1): the session model, history and the
 * publisher are built on it, so it imports none of them.
 */
const aboveRollout = [
  'usage',
  'session',
  'publisher',
  'history',
  'presence',
  'discord',
  'cli',
  'config',
  'instance',
  'codex',
];

/** The publisher (issue 22 §2) is assembled by the CLI and the app only: nothing else in the core builds on it. */
const publisherUsers = {
  group: ['**/publisher', '**/publisher/**'],
  message: 'Only src/cli and main/ import src/publisher: the core below it must not depend on it.',
};

/** What src/publisher joins: the session model, rollouts, history, presence, Discord, the lock, config and format. */
const publisherMay = [
  'publisher',
  'session',
  'usage',
  'rollout',
  'history',
  'presence',
  'discord',
  'instance',
  'config',
  'contract',
  'fs',
  'format',
  // The config file's pricing, handed to the monitor and history (issue 24 §1).
  'cost',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'packages/cli/bin/**',
      'dist/**',
      'coverage/**',
      'test-artifacts/**',
      'test/fixtures/**',
      '.bench/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': coreImports(publisherUsers),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    // The CLI's commands render the publisher's state.
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': coreImports() },
  },
  {
    files: ['src/publisher/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        group: ['../*', ...publisherMay.map((folder) => `!../${folder}`)],
        message: `src/publisher may import only ${publisherMay.slice(1).join(', ')}.`,
      }),
    },
  },
  {
    // Pure checks and the gathering of their inputs: formatted by the CLI's doctor and by main.
    files: ['src/diagnostics/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports(publisherUsers, {
        group: ['**/cli', '**/cli/**'],
        message: 'src/diagnostics is below the CLI: the CLI and the app format its report.',
      }),
    },
  },
  {
    files: ['src/rollout/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        group: aboveRollout.flatMap((folder) => [`**/${folder}`, `**/${folder}/**`]),
        message:
          'src/rollout is the bottom layer: it may import src/fs and src/ranges, nothing built on it (src/codex talks to Codex above it).',
      }),
    },
  },
  {
    // The range rules every input is read by (issue 21): a leaf, so the bottom of the pipeline can use them.
    files: ['src/ranges/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        regex: '^(?!\\./[^/]+$)',
        message: 'src/ranges is a leaf: its files import only one another (./), nothing else.',
      }),
    },
  },
  {
    // The contract is a leaf (issue 22 §3): the shapes every layer shares, so it depends on none of them.
    // Its files may import one another, nothing else: no other folder, no package, no node: module.
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        regex: '^(?!\\./[^/]+$)',
        message: 'src/contract is a leaf: its files import only one another (./), nothing else.',
      }),
    },
  },
  {
    // The settings table and its rules (issue 22 §3): below config, presence and history, so none of them
    // needs another for a rule; pure, so the renderer's field list and card preview share it.
    files: ['src/settings/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        group: ['../*', '!../settings', '!../contract', '!../format', 'node:*'],
        message: 'src/settings may import only contract and format (and no node: module: the renderer uses it).',
      }),
    },
  },
  {
    // The config file: where the settings live on disk. It reads and writes; what a value means is src/settings'.
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        group: ['../*', '!../config', '!../settings', '!../contract', '!../format', '!../fs'],
        message: 'src/config may import only settings, contract, format and fs.',
      }),
    },
  },
  {
    // Transport only (issue 22 §5): framing, sockets, backoff. What an activity says is src/presence's.
    files: ['src/discord/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        group: ['../*', '!../discord'],
        message: 'src/discord is the transport: it imports only node: modules and its own folder.',
      }),
    },
  },
  {
    // Builds activities from a snapshot and the config, and hands them to the transport.
    files: ['src/presence/**/*.ts'],
    rules: {
      'no-restricted-imports': coreImports({
        group: [
          '../*',
          '!../presence',
          '!../discord',
          '!../settings',
          '!../contract',
          '!../usage',
          '!../rollout',
          '!../ranges',
          '!../format',
        ],
        message: 'src/presence may import only discord, settings, contract, usage, rollout, ranges and format.',
      }),
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'react', message: 'main/ is the Electron main process: no React.' },
            { name: 'react-dom', message: 'main/ is the Electron main process: no React.' },
          ],
          patterns: [
            { group: ['**/renderer/**', '**/preload/**'], message: 'main/ talks to the renderer only over IPC.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'react', message: 'preload/ is the bridge only.' },
            { name: 'node:fs', message: 'preload/ is sandboxed: no Node APIs.' },
            { name: 'node:child_process', message: 'preload/ is sandboxed: no Node APIs.' },
          ],
          patterns: [
            { group: ['**/main/**', '**/renderer/**'], message: 'preload/ may import only the shared contract.' },
            {
              group: ['**/src/*', '!**/src/contract'],
              message: 'preload/ may import only the shared contract (src/contract).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through window.codexPresence.' }],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a sandboxed page: no Node APIs.' },
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer reaches main only through the bridge.' },
            {
              // The contract, plus the pure (DOM- and Node-free) modules the Discord
              // card preview shares with the publisher. gitignore semantics: a
              // folder must be re-included before a file in it can be.
              group: [
                '**/src/*',
                '**/src/*/*',
                '!**/src/contract',
                '!**/src/contract/*',
                '!**/src/format',
                '!**/src/format/*',
                '!**/src/settings',
                '!**/src/settings/*',
                '!**/src/config',
                '!**/src/config/schema*',
                '!**/src/presence',
                '!**/src/presence/activity*',
                '!**/src/presence/privacy*',
                '!**/src/presence/template*',
                // pickCurrent: the popover marks the session the publisher picks, by the same rule.
                '!**/src/usage',
                '!**/src/usage/aggregate*',
                // mainWindows: which limit rows show (issue 23 §3), the same rule as the terminal and the tray.
                '!**/src/usage/shownWindows*',
              ],
              message:
                'The renderer may import only src/contract and the pure preview modules (format, settings, config/schema, presence/{activity,privacy,template}, usage/{aggregate,shownWindows}).',
            },
          ],
        },
      ],
    },
  },
);
