import type { Settings } from '../../src/contract/index.js';
import { resolvePrivacy, type Visible } from '../../src/presence/privacy.js';

/** What privacy lets through, from the settings the UI holds (the same rules the publisher uses). */
export function visibleFor(settings: Settings): Visible {
  return resolvePrivacy(settings.privacy);
}
