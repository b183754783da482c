import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

// main/ and preload/ build for Electron; the CLI is built separately for plain
// Node (scripts/build-cli.mjs). With the sandbox on, the preload must be one
// CommonJS file with everything it imports bundled in.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      sourcemap: false,
      lib: { entry: resolve('main/index.ts'), formats: ['es'] },
      rollupOptions: { output: { entryFileNames: 'index.js' } },
    },
  },
  preload: {
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
});
