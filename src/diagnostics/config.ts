import { configIssues } from '../config/issues.js';
import { resolveApplication, type DiscordApplication } from '../discord/application.js';
import { applicationLabel } from '../format/application.js';
import type { LoadedConfig } from '../config/store.js';
import { BINARY } from '../format/binary.js';
import { quoted } from '../format/quoted.js';
import type { Check } from './report.js';

/** The config as read (doctor never writes it): unusable is ✗, a pending repair or migration is ! with the fix. */
export function configCheck(config: LoadedConfig): Check {
  const base = { id: 'config', title: 'Config' } as const;
  if (config.fileError !== null) {
    return {
      ...base,
      status: 'fail',
      detail: `${quoted(config.path)} is not used: ${config.fileError}; defaults are used and the file is left as it is`,
      fix: config.exists
        ? 'Fix the file by hand (it is never overwritten), or move it away to start from defaults.'
        : 'Point --config to a file in a folder that exists.',
    };
  }
  const issues = configIssues(config);
  if (issues.length === 0) {
    return {
      ...base,
      status: 'ok',
      detail: `${quoted(config.path)}${config.exists ? '' : ' (not created yet: defaults)'}`,
    };
  }
  return {
    ...base,
    status: 'warn',
    detail: `${quoted(config.path)}: ${issues.join('; ')} (nothing was changed)`,
    fix: `Run \`${BINARY} config migrate\` to write it (the original is copied to a .bak first), or fix the values by hand.`,
  };
}

/**
 * The application the activity goes out under: the user's id (checked when the
 * file is read: an invalid one reads as empty), else the built-in one.
 * Whether Discord knows it is the handshake's check.
 */
export function usedApplication({ config }: LoadedConfig, builtInClientId: string): DiscordApplication {
  return resolveApplication(config.discordClientId, builtInClientId);
}

export function clientIdCheck(loaded: LoadedConfig, builtInClientId: string): Check {
  const c = loaded.config;
  const base = { id: 'client-id', title: 'Discord application id' } as const;
  if (!c.discordEnabled)
    return { ...base, status: 'warn', detail: 'presence is switched off in the config (discord_enabled: false)' };
  const app = usedApplication(loaded, builtInClientId);
  if (app.id !== null) return { ...base, status: 'ok', detail: `${app.id} · ${applicationLabel(app)}` };
  return {
    ...base,
    status: 'fail',
    detail: 'not set',
    fix: 'This build has no built-in application (the released app and npm package do). Create an application at https://discord.com/developers/applications, then put its Application ID in Settings → Discord (or discord_client_id in the config).',
  };
}
