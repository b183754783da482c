import type { InstanceInfo } from './instanceFile.js';

/** How a publisher is named in messages. */
export function publisherName(info: Pick<InstanceInfo, 'kind'>): string {
  switch (info.kind) {
    case 'gui':
      return 'the tray app';
    case 'wrapper':
      return 'a `codex` wrapper';
    case 'headless':
      return 'a headless run';
  }
}
