import type { CommandSpec } from './args.js';

export const BINARY = 'codex-discord-presence';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'status',
    summary: 'Print current Codex limits and live sessions, then exit.',
    usage: 'status [--json]',
    options: { json: { type: 'boolean', description: 'Print the UsageSnapshot as JSON (docs/api/status-json.md)' } },
  },
  {
    name: 'run',
    summary: 'Publish Codex usage to Discord without the tray app, until Ctrl+C (SIGINT/SIGTERM).',
    usage: 'run [--takeover]',
    options: {
      takeover: { type: 'boolean', description: 'Stop the tray app if it is publishing, and publish from here' },
    },
  },
  {
    name: 'help',
    summary: 'Show help for a command.',
    usage: 'help [command]',
    options: {},
  },
];
