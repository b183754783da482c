import type { DoctorResult } from '../contract/index.js';

/** What `doctor` found: one result type for the CLI (text or `--json`) and the app (Settings → Run doctor). */
export type DoctorReport = DoctorResult;
export type Check = DoctorReport['checks'][number];
export type CheckStatus = Check['status'];

export const NOTES = [
  'Discord hides activity buttons on your own profile: ask a friend, or use a second account, to see them.',
  'In Discord, Settings → Activity Privacy → “Share your detected activities with others” must be on, or nobody sees the presence.',
];
