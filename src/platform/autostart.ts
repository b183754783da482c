import { homedir } from 'node:os';
import { join } from 'node:path';

export const AUTOSTART_NAME = 'codex-discord-presence';

/** Linux XDG autostart entry: `$XDG_CONFIG_HOME/autostart/<app>.desktop` (default ~/.config). */
export function autostartDesktopFile(env: NodeJS.ProcessEnv, appName = AUTOSTART_NAME): string {
  const base = env.XDG_CONFIG_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.config');
  return join(base, 'autostart', `${appName}.desktop`);
}

/** Whether an autostart entry's text means "start at login" (desktops can disable it in place). */
export function desktopEntryEnabled(text: string): boolean {
  return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
}
