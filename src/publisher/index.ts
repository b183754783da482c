import type { Publisher, PublisherOptions } from './api.js';
import { PublisherCore } from './publisher.js';

export type { Publisher, PublisherOptions } from './api.js';
export { changedIn, type PublisherState, type StateListener } from './state.js';
export type { FinalLock, LockState } from './lock.js';
export { discordClientId, KIND_POLICY, moveFor, TAKEOVER } from './policy.js';

/**
 * Starts the one publisher (issue 22 §2) for the tray app (`gui`), `run`
 * (`headless`) or the `codex` wrapper. The work begins at once; nothing is
 * emitted before the caller's next await, so a listener added right after
 * this call sees every state.
 */
export function startPublisher(options: PublisherOptions): Publisher {
  return new PublisherCore(options);
}
