/** The CLI's version: the app's, set at build time (src/format/version.ts). */
export { APP_VERSION as VERSION } from '../format/version.js';
