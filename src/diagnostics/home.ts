import { durationShort } from '../format/numbers.js';
import { quoted } from '../format/quoted.js';
import type { DoctorInputs, EngineFacts } from './inputs.js';
import { RECENT_FILES } from './inputs.js';
import type { Check } from './report.js';

/** The fix for files this user may not read: Codex was run with sudo once. */
function chownFix(inputs: DoctorInputs): string {
  return `Codex was probably run with sudo once. Give the files back to yourself: \`sudo chown -R $USER ${quoted(tildify(inputs.codexHome.path, inputs.userHome))}\``;
}

export function codexHomeCheck(inputs: DoctorInputs): Check {
  const { path, state } = inputs.codexHome;
  const base = { id: 'codex-home', title: 'Codex home' } as const;
  if (state === 'ok') return { ...base, status: 'ok', detail: `${quoted(path)} exists and is readable` };
  if (state === 'unreadable')
    return {
      ...base,
      status: 'fail',
      detail: `${quoted(path)} exists but cannot be read (permission denied)`,
      fix: chownFix(inputs),
    };
  const file = state === 'notAFolder';
  return {
    ...base,
    status: 'fail',
    detail: file ? `${quoted(path)} is not a directory` : `${quoted(path)} not found`,
    fix: file
      ? 'Move that file away (Codex creates the folder on its first run), or point to your Codex home with --codex-home DIR or CODEX_HOME.'
      : 'Run `codex` once to create it, or point to yours with --codex-home DIR or CODEX_HOME.',
  };
}

export function sessionsCheck({ files, now }: DoctorInputs): Check {
  const base = { id: 'sessions', title: 'Session files' } as const;
  if (files.newest === null)
    return {
      ...base,
      status: 'warn',
      detail: 'no rollout files yet',
      fix: 'Start a Codex session (`codex`) and run doctor again.',
    };
  const compressed = files.compressed === 0 ? '' : ` (${files.compressed} compressed)`;
  return {
    ...base,
    status: 'ok',
    detail: `${files.count} rollout file${files.count === 1 ? '' : 's'}${compressed}; newest ${files.newest.path} (written ${durationShort(now - files.newest.mtimeMs)} ago)`,
  };
}

/** Versions and unreadable lines in the most recent files; compressed ones that were refused. */
export function recentFilesChecks({ recent, files }: DoctorInputs): Check[] {
  if (recent === null) return [];
  const { versions, badLines: bad, badFiles, suspiciousLines: suspicious } = recent;
  const checks: Check[] = [
    {
      id: 'cli-versions',
      status: versions.length > 0 ? 'ok' : 'warn',
      title: 'Codex CLI versions',
      detail:
        versions.length > 0
          ? versions.map(({ version, files: n }) => `${version} (${n} file${n === 1 ? '' : 's'})`).join(', ')
          : 'no version found in recent files (files older than September 2025 carry none)',
    },
  ];
  const base = { id: 'parse-errors', title: 'Parse errors' } as const;
  checks.push(
    bad === 0 && suspicious === 0
      ? { ...base, status: 'ok', detail: `none in the ${Math.min(files.count, RECENT_FILES)} most recent files` }
      : bad === 0
        ? {
            ...base,
            status: 'warn',
            detail: `${suspicious} line${suspicious === 1 ? '' : 's'} with out-of-range values in recent files (a reset years away, negative tokens, a time in the future); those values are shown as unknown`,
            fix: 'A clock far off or an edited file. If Codex itself writes them, report it with your Codex version.',
          }
        : {
            ...base,
            status: 'warn',
            detail: `${bad} unreadable line${bad === 1 ? '' : 's'} in ${badFiles} recent file${badFiles === 1 ? '' : 's'}${suspicious > 0 ? ` and ${suspicious} with out-of-range values` : ''}; they are skipped, everything else is read`,
            fix: 'Usually a crash mid-write. If it keeps growing, report it with your Codex version.',
          },
  );
  const skipped = recent.skippedCompressed;
  if (skipped.length > 0) {
    checks.push({
      id: 'compressed-rollouts',
      status: 'warn',
      title: 'Compressed rollouts',
      detail: `${skipped.length} compressed rollout${skipped.length === 1 ? '' : 's'} skipped: ${skipped.join('; ')}`,
      fix: 'A damaged .jsonl.zst, or one too large to read. `zstd -t FILE` checks it; nothing else is affected.',
    });
  }
  return checks;
}

/** A file this user may not read is silently older limits everywhere else: fail loudly here. */
export function fileAccessCheck(inputs: DoctorInputs): Check | null {
  const { unreadable, files } = inputs;
  if (unreadable === null) return null;
  const base = { id: 'file-access', title: 'File access' } as const;
  if (unreadable.newest === null) return { ...base, status: 'ok', detail: `all ${files.count} rollout files readable` };
  return {
    ...base,
    status: 'fail',
    detail: `${unreadable.count} rollout file${unreadable.count === 1 ? '' : 's'} cannot be read (newest ${unreadable.newest}); limits may be older than shown`,
    fix: chownFix(inputs),
  };
}

/** Entries where a session file or the session index belongs that are not regular files: skipped, named. */
export function specialFilesCheck({ skippedEntries }: EngineFacts): Check | null {
  const { count, entries } = skippedEntries;
  if (count === 0) return null;
  const listed = entries.map((e) => `${e.path} is ${e.reason}`).join('; ');
  const more = count > entries.length ? `; and ${count - entries.length} more` : '';
  return {
    id: 'special-files',
    status: 'warn',
    title: 'Special files',
    detail: `${count} skipped: ${listed}${more}`,
    fix: 'Codex writes regular files there: remove or replace these entries (nothing else is affected).',
  };
}

/** `~/…` for a path in the user's home, as a person would type it. */
function tildify(path: string, home: string): string {
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
