// `npm start`: builds, then launches the tray app with Electron.
// Electron fetches its binary on first launch (electron >= 38 has no install
// step); where that download is impossible, say so and offer the headless CLI.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', '-s', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);

let electronPath;
try {
  electronPath = createRequire(import.meta.url)('electron');
} catch (error) {
  console.error(
    [
      '',
      'Could not get the Electron binary (it is downloaded on first launch):',
      `  ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      '',
      'Check your network or proxy (ELECTRON_MIRROR is honoured) and run `npm start` again.',
      'Meanwhile the same features run without a tray: `npm run cli -- run`.',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
