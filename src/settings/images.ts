import { APP_VERSION } from '../format/version.js';

/**
 * The default Discord images (issue 23 §1): https links to images this
 * project ships under assets/, so any application (the built-in one, or the
 * user's own) shows art with nothing uploaded to Discord. The link is fixed
 * per release tag, so an image never changes under a released build. Discord's
 * media proxy fetches them (the README's privacy note); an asset key the user
 * sets still works.
 */
export const REPOSITORY = 'codex-discord-presence/codex-discord-presence';

export function imageUrl(file: string, version: string = APP_VERSION): string {
  return `https://raw.githubusercontent.com/${REPOSITORY}/v${version}/assets/${file}`;
}

export const DEFAULT_IMAGES = {
  large: imageUrl('discord-large.png'),
  small: imageUrl('discord-small.png'),
} as const;
