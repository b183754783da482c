import type { Activity } from '../contract/index.js';

/** What the details line says for each activity kind. Never a path, a command or prompt text. */
export const ACTIVITY_TEXT: Record<Activity, string> = {
  thinking: 'Thinking',
  reading: 'Reading files',
  editing: 'Editing code',
  running: 'Running a command',
  searching: 'Searching',
  waiting: 'Waiting for approval',
  idle: 'Idle',
};

/** Short labels for the compact state line: `5h 72% left · 7d 40% left`. */
export function shortWindowLabel(label: string): string {
  switch (label) {
    case 'weekly':
      return '7d';
    case 'daily':
      return '1d';
    case 'monthly':
      return '30d';
    case 'annual':
      return '1y';
    default:
      return label;
  }
}
