declare const __APP_VERSION__: string | undefined;

/** Set at build time (scripts/build-cli.mjs); a source run reports a dev version. */
export const VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';
