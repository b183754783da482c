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
 * Labels for the compact state line: `5h 72% left · Weekly 40% left`. A
 * named window is titled here as in the popover and History (Weekly,
 * Monthly): one vocabulary (issue 25 §10).
 */
export function shortWindowLabel(label: string): string {
  // Named windows read as the popover titles them (Weekly, Monthly, Daily); 5h and 12h stay as they are.
  return /^[a-z]+$/.test(label) ? `${label.charAt(0).toUpperCase()}${label.slice(1)}` : label;
}
