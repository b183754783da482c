import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';

/**
 * The Electron binary, found without `require('electron')`: since Electron
 * 45 requiring it downloads the binary when missing, and this project's
 * machines cannot. Null when it is absent (the tests then skip, saying so).
 */
export function electronBinary(): string | null {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : join(dir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** The app `electron-builder --dir` made (dist/.electron-builder/<os>-unpacked), or null. */
export function packagedExecutable(): string | null {
  const out = join(ROOT, 'dist', '.electron-builder');
  const candidates =
    process.platform === 'darwin'
      ? ['mac-arm64', 'mac', 'mac-universal'].map((d) =>
          join(out, d, 'Codex Discord Presence.app', 'Contents', 'MacOS', 'Codex Discord Presence'),
        )
      : process.platform === 'win32'
        ? [
            join(out, 'win-unpacked', 'Codex Discord Presence.exe'),
            join(out, 'win-arm64-unpacked', 'Codex Discord Presence.exe'),
          ]
        : [
            join(out, 'linux-unpacked', 'codex-discord-presence'),
            join(out, 'linux-arm64-unpacked', 'codex-discord-presence'),
          ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** The resources folder of a packaged executable. */
export function resourcesOf(executable: string): string {
  return process.platform === 'darwin'
    ? join(executable, '..', '..', 'Resources')
    : join(executable, '..', 'resources');
}
