import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { listRolloutFiles } from '../rollout/files.js';
import { RolloutReader } from '../rollout/reader.js';
import { CLIENT_ID_RE } from '../settings/rules.js';
import { quoted } from '../format/quoted.js';
import type { LoadedConfig } from '../config/store.js';
import { IpcConnection, type Attempt } from '../discord/connection.js';
import { ipcCandidates } from '../discord/ipcPaths.js';
import { checkSocketOwner, currentUid } from '../discord/socketOwner.js';
import { durationShort } from '../format/numbers.js';
import { instancePath, liveInstance } from '../instance/instanceFile.js';
import { presenceStateDir } from '../instance/stateDir.js';
import { publisherName } from './publisherName.js';
import { autostartDesktopFile, desktopEntryEnabled } from '../platform/autostart.js';
import { UsageEngine } from '../usage/engine.js';
import type { GlobalOptions } from './args.js';
import { BINARY } from './commands.js';
import { accountAskSettings, cliContext, configIssues, type CliIo } from './context.js';
import { sourceText } from './statusText.js';
import { CODEX_MISSING_HINT } from '../codex/findCodex.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  id: string;
  status: CheckStatus;
  title: string;
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  notes: string[];
}

const NOTES = [
  'Discord hides activity buttons on your own profile: ask a friend, or use a second account, to see them.',
  'In Discord, Settings → Activity Privacy → “Share your detected activities with others” must be on, or nobody sees the presence.',
];

const RECENT_FILES = 20;

/** `doctor`: every check a broken setup needs, each with a concrete fix. Exit 1 when something blocks. */
export async function doctorCommand(options: GlobalOptions, io: CliIo): Promise<number> {
  const report = await runDoctor(options, io);
  if (options.verbose) {
    // What was read, for a report that surprises: which files, and which check said what.
    const { codexHome, config } = await cliContext(options, { ...io, stderr: () => undefined });
    io.stderr(`doctor: Codex home ${quoted(codexHome)}\n`);
    io.stderr(`doctor: config ${quoted(config.path)}${config.exists ? '' : ' (not there: defaults)'}\n`);
    io.stderr(`doctor: publisher lock ${instancePath(presenceStateDir(io.env))}\n`);
    for (const c of report.checks) io.stderr(`doctor: ${c.id} ${c.status}: ${c.detail}\n`);
  }
  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`${formatDoctor(report)}\n`);
  return report.ok ? 0 : 1;
}

export async function runDoctor(
  options: GlobalOptions,
  io: CliIo,
  platform: NodeJS.Platform = process.platform,
): Promise<DoctorReport> {
  const { codexHome, config } = await cliContext(options, { ...io, stderr: () => undefined });
  const checks: Check[] = [];
  const now = io.now();

  const homeFound = await isDir(codexHome);
  const homeListable = homeFound && (await canList(codexHome));
  const homeOk = homeFound && homeListable;
  const homeIsFile = !homeFound && (await stat(codexHome).catch(() => null)) !== null;
  const chownFix = `Codex was probably run with sudo once. Give the files back to yourself: \`sudo chown -R $USER ${quoted(tildify(codexHome))}\``;
  checks.push(
    homeOk
      ? { id: 'codex-home', status: 'ok', title: 'Codex home', detail: `${quoted(codexHome)} exists and is readable` }
      : homeFound
        ? {
            id: 'codex-home',
            status: 'fail',
            title: 'Codex home',
            detail: `${quoted(codexHome)} exists but cannot be read (permission denied)`,
            fix: chownFix,
          }
        : {
            id: 'codex-home',
            status: 'fail',
            title: 'Codex home',
            detail: homeIsFile ? `${quoted(codexHome)} is not a directory` : `${quoted(codexHome)} not found`,
            fix: homeIsFile
              ? 'Move that file away (Codex creates the folder on its first run), or point to your Codex home with --codex-home DIR or CODEX_HOME.'
              : 'Run `codex` once to create it, or point to yours with --codex-home DIR or CODEX_HOME.',
          },
  );

  const files = homeOk ? listRolloutFiles(join(codexHome, 'sessions')) : [];
  const newest = files[0];
  checks.push(
    newest === undefined
      ? {
          id: 'sessions',
          status: 'warn',
          title: 'Session files',
          detail: 'no rollout files yet',
          fix: 'Start a Codex session (`codex`) and run doctor again.',
        }
      : {
          id: 'sessions',
          status: 'ok',
          title: 'Session files',
          detail: `${files.length} rollout file${files.length === 1 ? '' : 's'}${compressedNote(files)}; newest ${newest.path} (written ${durationShort(now - newest.mtimeMs)} ago)`,
        },
  );

  // Versions and unreadable lines in the most recent files (read whole, at most 20).
  const versions = new Map<string, number>();
  let bad = 0;
  let badFiles = 0;
  let suspicious = 0;
  const skippedCompressed: string[] = [];
  for (const f of files.slice(0, RECENT_FILES)) {
    const reader = new RolloutReader(f.path);
    let version: string | null = null;
    const read = f.compressed ? reader.compressed() : reader.tail();
    for await (const e of read) if (e.kind === 'meta' && e.cliVersion !== null) version ??= e.cliVersion;
    if (f.compressed && read.outcome?.kind === 'special') skippedCompressed.push(`${f.path} (${read.outcome.reason})`);
    if (version !== null) versions.set(version, (versions.get(version) ?? 0) + 1);
    const skipped = reader.stats.malformedLines + reader.stats.invalidUtf8Lines + reader.stats.oversizedLines;
    bad += skipped;
    if (skipped > 0) badFiles += 1;
    suspicious += reader.stats.suspiciousLines;
  }
  if (files.length > 0) {
    checks.push({
      id: 'cli-versions',
      status: versions.size > 0 ? 'ok' : 'warn',
      title: 'Codex CLI versions',
      detail:
        versions.size > 0
          ? [...versions].map(([v, n]) => `${v} (${n} file${n === 1 ? '' : 's'})`).join(', ')
          : 'no version found in recent files (files older than September 2025 carry none)',
    });
    checks.push(
      bad === 0 && suspicious === 0
        ? {
            id: 'parse-errors',
            status: 'ok',
            title: 'Parse errors',
            detail: `none in the ${Math.min(files.length, RECENT_FILES)} most recent files`,
          }
        : bad === 0
          ? {
              id: 'parse-errors',
              status: 'warn',
              title: 'Parse errors',
              detail: `${suspicious} line${suspicious === 1 ? '' : 's'} with out-of-range values in recent files (a reset years away, negative tokens, a time in the future); those values are shown as unknown`,
              fix: 'A clock far off or an edited file. If Codex itself writes them, report it with your Codex version.',
            }
          : {
              id: 'parse-errors',
              status: 'warn',
              title: 'Parse errors',
              detail: `${bad} unreadable line${bad === 1 ? '' : 's'} in ${badFiles} recent file${badFiles === 1 ? '' : 's'}${suspicious > 0 ? ` and ${suspicious} with out-of-range values` : ''}; they are skipped, everything else is read`,
              fix: 'Usually a crash mid-write. If it keeps growing, report it with your Codex version.',
            },
    );
  }

  if (skippedCompressed.length > 0) {
    checks.push({
      id: 'compressed-rollouts',
      status: 'warn',
      title: 'Compressed rollouts',
      detail: `${skippedCompressed.length} compressed rollout${skippedCompressed.length === 1 ? '' : 's'} skipped: ${skippedCompressed.join('; ')}`,
      fix: 'A damaged .jsonl.zst, or one too large to read. `zstd -t FILE` checks it; nothing else is affected.',
    });
  }

  // A file this user may not read is silently older limits everywhere else: fail loudly here.
  if (files.length > 0) {
    const refused: typeof files = [];
    for (const f of files) if (!(await canRead(f.path))) refused.push(f);
    const newestRefused = refused[0];
    checks.push(
      newestRefused === undefined
        ? {
            id: 'file-access',
            status: 'ok',
            title: 'File access',
            detail: `all ${files.length} rollout files readable`,
          }
        : {
            id: 'file-access',
            status: 'fail',
            title: 'File access',
            detail: `${refused.length} rollout file${refused.length === 1 ? '' : 's'} cannot be read (newest ${newestRefused.path}); limits may be older than shown`,
            fix: chownFix,
          },
    );
  }

  const c = config.config;
  checks.push(configCheck(config));

  const idSet = CLIENT_ID_RE.test(c.discordClientId);
  checks.push(
    !c.discordEnabled
      ? {
          id: 'client-id',
          status: 'warn',
          title: 'Discord application id',
          detail: 'presence is switched off in the config (discord_enabled: false)',
        }
      : idSet
        ? { id: 'client-id', status: 'ok', title: 'Discord application id', detail: c.discordClientId }
        : {
            id: 'client-id',
            status: 'fail',
            title: 'Discord application id',
            detail: 'not set',
            fix: 'Create an application at https://discord.com/developers/applications, then put its Application ID in Settings → Discord (or discord_client_id in the config).',
          },
  );

  const candidates = ipcCandidates(platform, io.env);
  const { found, untrusted } = await existingEndpoints(candidates, platform);
  // A socket another user owns is never used (issue 11 §5), so it is not "found" either.
  const skipped = untrusted.map((u) => `skipped ${u.path}, ${u.detail}`).join('; ');
  checks.push(
    found.length > 0
      ? {
          id: 'ipc',
          status: 'ok',
          title: 'Discord IPC',
          detail: `found ${found.join(', ')} (of ${candidates.length} paths tried, Flatpak and Snap included)${skipped === '' ? '' : `; ${skipped}`}`,
        }
      : untrusted.length > 0
        ? {
            id: 'ipc',
            status: 'fail',
            title: 'Discord IPC',
            detail: `no socket of this user among ${candidates.length} paths: ${skipped}`,
            fix: 'Another user (or a process running as another user) is listening where Discord would; it is never sent anything. Start the Discord desktop app as yourself.',
          }
        : {
            id: 'ipc',
            status: 'fail',
            title: 'Discord IPC',
            detail: `no socket among ${candidates.length} paths (${describeRoots(candidates)})`,
            fix: 'Start the Discord desktop app: the browser version has no local IPC. Flatpak and Snap builds of Discord (and Vesktop) are found in their own folders.',
          },
  );

  if (idSet && found.length > 0) {
    const attempts: Attempt[] = [];
    try {
      const connection = await IpcConnection.open(
        found,
        c.discordClientId,
        { handshakeTimeoutMs: 3000, onClose: () => undefined },
        attempts,
      );
      connection.close();
      checks.push({
        id: 'handshake',
        status: 'ok',
        title: 'Discord handshake',
        detail: `READY from ${connection.path}`,
      });
    } catch (error) {
      checks.push({
        id: 'handshake',
        status: 'fail',
        title: 'Discord handshake',
        detail: error instanceof Error ? error.message : String(error),
        fix: 'Check the application id; restart Discord if it is not responding.',
      });
    }
  }

  if (homeOk) {
    const engine = new UsageEngine({ codexHome, now: () => now, account: accountAskSettings(c, io.env) });
    await engine.coldStart();
    // The account is asked first, so the limit check sees the freshest figures from either source.
    const account = await accountCheck(engine, c.limits.askCodex);
    const snap = engine.snapshot();
    const special = snap.diagnostics.skippedEntries;
    if (special.count > 0) checks.push(skippedEntriesCheck(special.count, special.entries));
    const p = snap.limits.primary;
    checks.push(
      p === null
        ? {
            id: 'limits',
            status: 'warn',
            title: 'Limit data',
            detail: 'none seen yet',
            fix: 'Limits arrive with Codex answers from a ChatGPT login; API-key sessions report none.',
          }
        : p.stale
          ? {
              id: 'limits',
              status: 'warn',
              title: 'Limit data',
              detail: `last seen ${durationShort(now - Date.parse(p.observedAt))} ago, ${sourceText(p)} (stale after 15 min)`,
              fix: 'Start a Codex turn to refresh, or let the app ask Codex for your account (see account-limits).',
            }
          : {
              id: 'limits',
              status: 'ok',
              title: 'Limit data',
              detail: `fresh: ${durationShort(now - Date.parse(p.observedAt))} old, ${sourceText(p)}`,
            },
    );
    checks.push(account);
  }

  checks.push(await loginCheck(platform, io.env));

  const other = await liveInstance(presenceStateDir(io.env));
  checks.push(
    other === null
      ? { id: 'publisher', status: 'ok', title: 'Other publisher', detail: 'none running' }
      : {
          id: 'publisher',
          status: 'ok',
          title: 'Other publisher',
          detail: `${publisherName(other)} is publishing (pid ${other.pid}, since ${other.startedAt})${other.discord ? `; Discord ${other.discord.state}` : ''}`,
        },
  );

  return { ok: checks.every((ch) => ch.status !== 'fail'), checks, notes: NOTES };
}

/** Entries where a session file or the session index belongs that are not regular files: skipped, named. */
function skippedEntriesCheck(count: number, entries: ReadonlyArray<{ path: string; reason: string }>): Check {
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

/** The config as read (doctor never writes it): unusable is ✗, a pending repair or migration is ! with the fix. */
function configCheck(config: LoadedConfig): Check {
  const base = { id: 'config', title: 'Config' } as const;
  if (config.fileError !== null) {
    return {
      ...base,
      status: 'fail',
      detail: `${quoted(config.path)} is not used: ${config.fileError}; defaults are used and the file is left as it is`,
      fix: config.exists
        ? 'Fix the file by hand (it is never overwritten), or move it away to start from defaults.'
        : 'Point --config to a file in a folder that exists.',
    };
  }
  const issues = configIssues(config);
  if (issues.length === 0) {
    return {
      ...base,
      status: 'ok',
      detail: `${quoted(config.path)}${config.exists ? '' : ' (not created yet: defaults)'}`,
    };
  }
  return {
    ...base,
    status: 'warn',
    detail: `${quoted(config.path)}: ${issues.join('; ')} (nothing was changed)`,
    fix: `Run \`${BINARY} config migrate\` to write it (the original is copied to a .bak first), or fix the values by hand.`,
  };
}

/** Asks `codex app-server` once, and says what came back (issue 12 §3). */
async function accountCheck(engine: UsageEngine, enabled: boolean): Promise<Check> {
  const base = { id: 'account-limits', title: 'Limits from your account' } as const;
  if (!enabled)
    return {
      ...base,
      status: 'ok',
      detail: 'not asked: limits.ask_codex is off in the config, so only session logs count',
    };
  await engine.refreshAccountLimits({ force: true });
  const limits = engine.snapshot().limits;
  const account = engine.accountInfo;
  if (engine.codexMissing)
    return {
      ...base,
      status: 'warn',
      detail: limits.accountError ?? 'codex not found',
      fix: `${CODEX_MISSING_HINT[0]?.toUpperCase() ?? ''}${CODEX_MISSING_HINT.slice(1)} (CODEX_BIN=/path/to/codex).`,
    };
  if (account != null && account.type !== 'chatgpt')
    return {
      ...base,
      status: 'ok',
      detail: `Codex is logged in with an ${account.type === 'apikey' ? 'API key' : `${account.type} login`}: it has no ChatGPT rate limits to show, so none are asked for (the login is checked again hourly)`,
    };
  if (limits.accountError !== null)
    return {
      ...base,
      status: 'warn',
      detail: limits.accountError,
      fix:
        account === null
          ? 'Run `codex login` to see your limits without a session.'
          : 'Check that `codex` runs and is logged in (`codex login`); session logs are used meanwhile.',
    };
  const shown = [limits.primary, limits.secondary].filter((w) => w !== null && w.source === 'account');
  const detail = `ChatGPT login${account?.planType ? ` (${account.planType})` : ''}: ${
    shown.length === 0
      ? 'Codex reported no limit windows'
      : shown.map((w) => `${w?.label} ${w?.remainingPercent}% left`).join(', ')
  }`;
  if (engine.snapshot().diagnostics.suspiciousAnswers > 0)
    return {
      ...base,
      status: 'warn',
      detail: `${detail}; its answer held values out of range (a window length ≤ 0, a balance of "Infinity", text too long), shown as unknown or cut`,
      fix: 'Update Codex; the rest of its answer is used meanwhile.',
    };
  return { ...base, status: 'ok', detail };
}

async function loginCheck(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Promise<Check> {
  if (platform === 'linux') {
    const file = autostartDesktopFile(env);
    try {
      const on = desktopEntryEnabled(await readFile(file, 'utf8'));
      return {
        id: 'launch-at-login',
        status: 'ok',
        title: 'Launch at login',
        detail: `${on ? 'on' : 'off (disabled in the entry)'}: ${file}`,
      };
    } catch {
      return { id: 'launch-at-login', status: 'ok', title: 'Launch at login', detail: `off (no ${file})` };
    }
  }
  return {
    id: 'launch-at-login',
    status: 'ok',
    title: 'Launch at login',
    detail: 'set from the tray app (menu → Launch at login); the system keeps it in its login items',
  };
}

async function existingEndpoints(
  paths: readonly string[],
  platform: NodeJS.Platform,
): Promise<{ found: string[]; untrusted: Array<{ path: string; detail: string }> }> {
  // Named pipes cannot be listed, but a connect attempt answers at once when nobody listens.
  if (platform === 'win32') {
    const open = await Promise.all(paths.map((p) => accepts(p)));
    return { found: paths.filter((_, i) => open[i]), untrusted: [] };
  }
  const uid = currentUid(platform);
  const found: string[] = [];
  const untrusted: Array<{ path: string; detail: string }> = [];
  for (const p of paths) {
    if (uid === null) {
      if (await isSocket(p)) found.push(p);
      continue;
    }
    const owner = await checkSocketOwner(p, uid);
    if (owner.ok) found.push(p);
    else if (owner.outcome === 'untrusted') untrusted.push({ path: p, detail: owner.detail });
  }
  return { found, untrusted };
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function describeRoots(paths: readonly string[]): string {
  const roots = new Set(paths.map((p) => p.replace(/\/(app\/[^/]+|snap\.[^/]+)?\/?discord-ipc-\d$/, '')));
  return `under ${[...roots].join(', ')}`;
}

async function canList(path: string): Promise<boolean> {
  try {
    await readdir(path);
    return true;
  } catch {
    return false;
  }
}

async function canRead(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** `~/…` for a path in the user's home, as a person would type it. */
function tildify(path: string): string {
  const home = homedir();
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${MARK[c.status]} ${c.title}: ${c.detail}`);
    if (c.fix !== undefined && c.status !== 'ok') lines.push(`    → ${c.fix}`);
  }
  lines.push('', ...report.notes.map((n) => `Note: ${n}`), '');
  lines.push(report.ok ? 'Nothing blocks presence.' : 'Fix the ✗ items above; presence cannot work until then.');
  return lines.join('\n');
}

/** `(3 compressed)` after the file count, when Codex compressed some (`.jsonl.zst`). */
function compressedNote(files: ReadonlyArray<{ compressed: boolean }>): string {
  const n = files.filter((f) => f.compressed).length;
  return n === 0 ? '' : ` (${n} compressed)`;
}
