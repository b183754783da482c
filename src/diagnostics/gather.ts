import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/store.js';
import { BUILT_IN_CLIENT_ID } from '../discord/application.js';
import { IpcConnection, type Attempt } from '../discord/connection.js';
import { ipcCandidates } from '../discord/ipcPaths.js';
import { checkSocketOwner, currentUid } from '../discord/socketOwner.js';
import { liveInstance } from '../instance/instanceFile.js';
import { autostartDesktopFile, desktopEntryEnabled } from '../platform/autostart.js';
import { listRolloutFiles } from '../rollout/files.js';
import { RolloutReader } from '../rollout/reader.js';
import type { AccountAskSettings } from '../usage/accountSource.js';
import { UsageEngine } from '../usage/engine.js';
import { usedApplication } from './config.js';
import { RECENT_FILES, type DiscordFacts, type DoctorInputs, type EngineFacts, type RecentFiles } from './inputs.js';

/** Where `doctor` looks: resolved by the caller (the CLI from its options, the app from its settings). */
export interface DoctorEdge {
  codexHome: string;
  config: LoadedConfig;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  now: number;
  /** How to ask Codex for the account's limits, or null when the config says not to. */
  account: AccountAskSettings | null;
  /** The publisher lock's folder. */
  stateDir: string;
  userHome?: string;
  /** The built-in application id; default: this build's. */
  builtInClientId?: string;
}

/** Reads everything the checks look at. Only reads: nothing is written, and Discord is only greeted. */
export async function gatherDoctorInputs(edge: DoctorEdge): Promise<DoctorInputs> {
  const { codexHome, now } = edge;
  const state = await homeState(codexHome);
  const all = state === 'ok' ? listRolloutFiles(join(codexHome, 'sessions')) : [];
  const newest = all[0];
  return {
    now,
    userHome: edge.userHome ?? homedir(),
    codexHome: { path: codexHome, state },
    files: {
      count: all.length,
      compressed: all.filter((f) => f.compressed).length,
      newest: newest === undefined ? null : { path: newest.path, mtimeMs: newest.mtimeMs },
    },
    recent: all.length === 0 ? null : await readRecent(all.slice(0, RECENT_FILES)),
    unreadable: all.length === 0 ? null : await unreadableFiles(all.map((f) => f.path)),
    config: edge.config,
    builtInClientId: edge.builtInClientId ?? BUILT_IN_CLIENT_ID,
    discord: await discordFacts(edge),
    engine: state === 'ok' ? await engineFacts(edge) : null,
    launchAtLogin: await launchAtLogin(edge.platform, edge.env),
    publisher: await liveInstance(edge.stateDir),
  };
}

async function homeState(path: string): Promise<DoctorInputs['codexHome']['state']> {
  const found = await stat(path).catch(() => null);
  if (found === null) return 'missing';
  if (!found.isDirectory()) return 'notAFolder';
  return (await readdir(path)
    .then(() => true)
    .catch(() => false))
    ? 'ok'
    : 'unreadable';
}

/** Versions and unreadable lines in the most recent files, each read whole. */
async function readRecent(files: ReadonlyArray<{ path: string; compressed: boolean }>): Promise<RecentFiles> {
  const versions = new Map<string, number>();
  const recent: RecentFiles = {
    read: files.length,
    versions: [],
    badLines: 0,
    badFiles: 0,
    suspiciousLines: 0,
    skippedCompressed: [],
  };
  for (const f of files) {
    const reader = new RolloutReader(f.path);
    let version: string | null = null;
    const read = f.compressed ? reader.compressed() : reader.tail();
    for await (const e of read) if (e.kind === 'meta' && e.cliVersion !== null) version ??= e.cliVersion;
    if (f.compressed && read.outcome?.kind === 'special')
      recent.skippedCompressed.push(`${f.path} (${read.outcome.reason})`);
    if (version !== null) versions.set(version, (versions.get(version) ?? 0) + 1);
    const skipped = reader.stats.malformedLines + reader.stats.invalidUtf8Lines + reader.stats.oversizedLines;
    recent.badLines += skipped;
    if (skipped > 0) recent.badFiles += 1;
    recent.suspiciousLines += reader.stats.suspiciousLines;
  }
  recent.versions = [...versions].map(([version, n]) => ({ version, files: n }));
  return recent;
}

async function unreadableFiles(paths: readonly string[]): Promise<NonNullable<DoctorInputs['unreadable']>> {
  const refused: string[] = [];
  for (const path of paths) {
    if (
      !(await access(path, constants.R_OK)
        .then(() => true)
        .catch(() => false))
    )
      refused.push(path);
  }
  return { count: refused.length, newest: refused[0] ?? null };
}

async function discordFacts(edge: DoctorEdge): Promise<DiscordFacts> {
  const candidates = ipcCandidates(edge.platform, edge.env);
  const { found, untrusted } = await existingEndpoints(candidates, edge.platform);
  const facts: DiscordFacts = { candidates, found, untrusted, handshake: null };
  const { id } = usedApplication(edge.config, edge.builtInClientId ?? BUILT_IN_CLIENT_ID);
  if (id === null || found.length === 0) return facts;
  const attempts: Attempt[] = [];
  try {
    const connection = await IpcConnection.open(
      found,
      id,
      { handshakeTimeoutMs: 3000, onClose: () => undefined },
      attempts,
    );
    connection.close();
    facts.handshake = { ok: true, path: connection.path };
  } catch (error) {
    facts.handshake = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return facts;
}

/** Reads the home as the engine does, asking the account first when allowed, so the limits are the freshest. */
async function engineFacts(edge: DoctorEdge): Promise<EngineFacts> {
  const engine = new UsageEngine({ codexHome: edge.codexHome, now: () => edge.now, account: edge.account });
  await engine.coldStart();
  if (edge.account !== null) await engine.refreshAccountLimits({ force: true });
  const snap = engine.snapshot();
  const { limits } = snap;
  return {
    skippedEntries: snap.diagnostics.skippedEntries,
    primary: limits.primary,
    account:
      edge.account === null
        ? { asked: false }
        : {
            asked: true,
            codexMissing: engine.codexMissing,
            error: limits.accountError,
            login: engine.accountInfo,
            windows: [limits.primary, limits.secondary].flatMap((w) =>
              w !== null && w.source === 'account' ? [{ label: w.label, remainingPercent: w.remainingPercent }] : [],
            ),
            suspiciousAnswers: snap.diagnostics.suspiciousAnswers,
          },
  };
}

async function launchAtLogin(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): Promise<DoctorInputs['launchAtLogin']> {
  if (platform !== 'linux') return { kind: 'loginItems' };
  const file = autostartDesktopFile(env);
  const text = await readFile(file, 'utf8').catch(() => null);
  return { kind: 'desktopEntry', file, enabled: text === null ? null : desktopEntryEnabled(text) };
}

async function existingEndpoints(
  paths: readonly string[],
  platform: NodeJS.Platform,
): Promise<Pick<DiscordFacts, 'found' | 'untrusted'>> {
  // Named pipes cannot be listed, but a connect attempt answers at once when nobody listens.
  if (platform === 'win32') {
    const open = await Promise.all(paths.map((p) => accepts(p)));
    return { found: paths.filter((_, i) => open[i]), untrusted: [] };
  }
  const uid = currentUid(platform);
  const found: string[] = [];
  const untrusted: DiscordFacts['untrusted'] = [];
  for (const p of paths) {
    if (uid === null) {
      if (
        await stat(p)
          .then((s) => s.isSocket())
          .catch(() => false)
      )
        found.push(p);
      continue;
    }
    const owner = await checkSocketOwner(p, uid);
    if (owner.ok) found.push(p);
    else if (owner.outcome === 'untrusted') untrusted.push({ path: p, detail: owner.detail });
  }
  return { found, untrusted };
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
