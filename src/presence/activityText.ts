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

/**
 * Labels for the compact state line: `5h 72% left · Weekly 40% left`. The
 * weekly window is "Weekly" here as in the popover and History: one
 * vocabulary (issue 25 §10).
 */
export function shortWindowLabel(label: string): string {
  switch (label) {
    case 'weekly':
      return 'Weekly';
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
