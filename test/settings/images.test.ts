import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imageKeyProblem } from '../../src/settings/rules.js';
import { DEFAULT_IMAGES, REPOSITORY } from '../../src/settings/images.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { ROOT } from '../support/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const cliPkg = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as {
  repository: { url: string };
};

// Issue 23 §1: no art to upload. The default images are https links to files
// this repository ships, at the release's tag, so a user's own application works as is.
describe('the default Discord images', () => {
  it('link to files under assets/ of this repository, at the tag of this version', () => {
    expect(cliPkg.repository.url).toBe(`git+https://github.com/${REPOSITORY}.git`);
    for (const url of Object.values(DEFAULT_IMAGES)) {
      const m = /^https:\/\/raw\.githubusercontent\.com\/([^/]+\/[^/]+)\/v([^/]+)\/(assets\/[\w.-]+\.png)$/.exec(url);
      expect(m?.[1]).toBe(REPOSITORY);
      expect(m?.[2]).toBe(pkg.version);
      expect(existsSync(join(ROOT, m?.[3] ?? 'missing'))).toBe(true);
      // PNG signature: a real image, not a Git LFS pointer.
      expect(
        readFileSync(join(ROOT, m?.[3] ?? 'missing'))
          .subarray(0, 8)
          .toString('hex'),
      ).toBe('89504e470d0a1a0a');
    }
  });

  it('are the settings defaults and pass the image rule; a user’s asset key still does', () => {
    const d = defaultSettings().display;
    expect(d.largeImageKey).toBe(DEFAULT_IMAGES.large);
    expect(d.smallImageKey).toBe(DEFAULT_IMAGES.small);
    expect(imageKeyProblem(DEFAULT_IMAGES.large)).toBeNull();
    expect(imageKeyProblem(DEFAULT_IMAGES.small)).toBeNull();
    expect(imageKeyProblem('codex-logo')).toBeNull();
  });
});
