import type { Api } from '../../src/contract/index.js';

declare global {
  interface Window {
    codexPresence: Api;
  }
}
