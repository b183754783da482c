import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'electron-vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { discordDefine } from './scripts/discordApp.mjs';

const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string };
/** The version every bundle sees: the default Discord image URLs are fixed per release tag (src/settings/images.ts). */
const version = { __APP_VERSION__: JSON.stringify(pkg.version) };

// main/ and preload/ build for Electron; the CLI is built separately for plain
// Node (scripts/build-cli.mjs). With the sandbox on, the preload must be one
// CommonJS file with everything it imports bundled in. Main gets the built-in
// Discord application id (CDP_DISCORD_CLIENT_ID, checked like a user's id: a
// bad one fails the build), as the CLI does.
export default defineConfig(async (): Promise<UserConfig> => ({
  main: {
    define: { ...version, ...(await discordDefine()) },
    build: {
      outDir: 'out/main',
      sourcemap: false,
      lib: { entry: resolve('main/index.ts'), formats: ['es'] },
      rollupOptions: { output: { entryFileNames: 'index.js' } },
    },
  },
  preload: {
    define: version,
    build: {
      outDir: 'out/preload',
      sourcemap: false,
      externalizeDeps: false,
      lib: { entry: resolve('preload/index.ts'), formats: ['cjs'] },
      rollupOptions: { external: ['electron'], output: { entryFileNames: 'index.cjs' } },
    },
  },
  renderer: {
    root: resolve('renderer'),
    plugins: [react()],
    define: version,
    build: {
      outDir: resolve('out/renderer'),
      sourcemap: false,
      // electron-vite leaves the renderer unminified by default: ship it minified (issue #13: ≤ 350 kB of JS).
      minify: true,
      cssMinify: true,
      rollupOptions: {
        input: { popover: resolve('renderer/popover.html'), settings: resolve('renderer/settings.html') },
      },
    },
  },
}));
