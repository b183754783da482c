import type { CommandSpec } from './args.js';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'status',
    summary: 'Print current Codex limits and live sessions, then exit.',
    usage: 'status [--json] [--refresh | --no-refresh]',
    options: {
      json: { type: 'boolean', description: 'Print the UsageSnapshot as JSON (docs/api/status-json.md)' },
      refresh: { type: 'boolean', description: "Always ask Codex (codex app-server) for the account's limits" },
      'no-refresh': { type: 'boolean', description: 'Never ask Codex; show only what the session logs say' },
    },
  },
  {
    name: 'run',
    summary: 'Publish Codex usage to Discord without the tray app, until Ctrl+C (SIGINT, SIGTERM or SIGHUP).',
    usage: 'run [--takeover]',
    options: {
      takeover: { type: 'boolean', description: 'Stop the tray app if it is publishing, and publish from here' },
    },
  },
  {
    name: 'history',
    summary: 'Print limits over the current windows and tokens per day, from the history the publisher records.',
    usage: 'history [--days N] [--json]',
    options: {
      days: { type: 'string', description: 'How many days of tokens, 1 to 400 (default 7)' },
      json: { type: 'boolean', description: 'Print the HistoryView as JSON (docs/api/history-json.md)' },
    },
  },
  {
    name: 'doctor',
    summary:
      'Check the Codex home, the config and Discord, and say how to fix what fails. Exits 1 if something blocks.',
    usage: 'doctor [--json]',
    options: { json: { type: 'boolean', description: 'Print the report as JSON (docs/api/codex-presence.md)' } },
  },
  {
    name: 'config',
    summary:
      'config migrate: write what reading the config repaired or migrated (the original is copied to a .bak first).',
    usage: 'config migrate',
    options: {},
    subcommands: ['migrate'],
  },
  {
    name: 'codex',
    summary: 'Run the real codex with your arguments, publishing presence while it runs.',
    usage: 'codex [codex arguments…]',
    options: {},
    passthrough: true,
  },
  {
    name: 'help',
    summary: 'Show help for a command.',
    usage: 'help [command]',
    options: {},
  },
];
