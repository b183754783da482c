import { publisherName } from '../instance/publisherName.js';
import type { DoctorInputs } from './inputs.js';
import type { Check } from './report.js';

export function loginCheck({ launchAtLogin }: DoctorInputs): Check {
  const base = { id: 'launch-at-login', status: 'ok', title: 'Launch at login' } as const;
  if (launchAtLogin.kind === 'loginItems')
    return {
      ...base,
      detail: 'set from the tray app (menu → Launch at login); the system keeps it in its login items',
    };
  const { file, enabled } = launchAtLogin;
  if (enabled === null) return { ...base, detail: `off (no ${file})` };
  return { ...base, detail: `${enabled ? 'on' : 'off (disabled in the entry)'}: ${file}` };
}

export function publisherCheck({ publisher: other }: DoctorInputs): Check {
  const base = { id: 'publisher', status: 'ok', title: 'Other publisher' } as const;
  if (other === null) return { ...base, detail: 'none running' };
  return {
    ...base,
    detail: `${publisherName(other)} is publishing (pid ${other.pid}, since ${other.startedAt})${other.discord ? `; Discord ${other.discord.state}` : ''}`,
  };
}
