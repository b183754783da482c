declare const __APP_VERSION__: string | undefined;

/**
 * The app's version, set at build time (scripts/build-cli.mjs, electron.vite.config.ts,
 * vitest.config.ts); a source run without a build reports a dev version.
 */
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';
