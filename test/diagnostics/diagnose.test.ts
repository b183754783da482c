import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/settings/settings.js';
import type { LoadedConfig } from '../../src/config/store.js';
import { diagnose, type DoctorInputs } from '../../src/diagnostics/index.js';
import { T0, window } from '../support/snapshots.js';

// The checks are pure: each case is plain values in, a report out. What
// doctor reads from disk, sockets and Codex is tested through the real CLI
// (test/cli/commands, diagnostics, hostileInput) and the app (test/main).

function loaded(change: (c: LoadedConfig['config']) => void = () => undefined): LoadedConfig {
  const config = defaultSettings();
  config.discordClientId = '123456789012345678';
  change(config);
  return {
    path: '/home/dev/.codex/discord-presence-config.json',
    exists: true,
    config,
    fileError: null,
    problems: [],
    migratedFrom: null,
    needsWrite: false,
    raw: null,
    kept: {},
  };
}

function healthy(): DoctorInputs {
  return {
    now: T0,
    userHome: '/home/dev',
    codexHome: { path: '/home/dev/.codex', state: 'ok' },
    files: { count: 3, compressed: 1, newest: { path: '/home/dev/.codex/sessions/r.jsonl', mtimeMs: T0 - 120_000 } },
    recent: {
      read: 3,
      versions: [{ version: '0.169.0', files: 3 }],
      badLines: 0,
      badFiles: 0,
      suspiciousLines: 0,
      skippedCompressed: [],
    },
    unreadable: { count: 0, newest: null },
    config: loaded(),
    builtInClientId: '',
    discord: {
      candidates: ['/run/user/1000/discord-ipc-0'],
      found: ['/run/user/1000/discord-ipc-0'],
      untrusted: [],
      handshake: { ok: true, path: '/run/user/1000/discord-ipc-0' },
    },
    engine: {
      skippedEntries: { count: 0, entries: [] },
      primary: window(72),
      account: { asked: false },
    },
    launchAtLogin: { kind: 'desktopEntry', file: '/home/dev/.config/autostart/x.desktop', enabled: null },
    publisher: null,
  };
}

describe('diagnose', () => {
  it('a working setup: every check in the order a person fixes them, nothing blocks', () => {
    const report = diagnose(healthy());
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual([
      'codex-home',
      'sessions',
      'cli-versions',
      'parse-errors',
      'file-access',
      'config',
      'client-id',
      'ipc',
      'handshake',
      'limits',
      'account-limits',
      'launch-at-login',
      'publisher',
    ]);
    expect(report.checks.find((c) => c.id === 'sessions')?.detail).toBe(
      '3 rollout files (1 compressed); newest /home/dev/.codex/sessions/r.jsonl (written 2m ago)',
    );
    expect(report.notes).toHaveLength(2);
  });

  it('a home that cannot be read: ✗ with a chown fix in ~ terms, and no checks that need the home', () => {
    const inputs: DoctorInputs = {
      ...healthy(),
      codexHome: { path: '/home/dev/.codex', state: 'unreadable' },
      files: { count: 0, compressed: 0, newest: null },
      recent: null,
      unreadable: null,
      engine: null,
    };
    const report = diagnose(inputs);
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({
      id: 'codex-home',
      status: 'fail',
      fix: expect.stringContaining('`sudo chown -R $USER ~/.codex`'),
    });
    const ids = report.checks.map((c) => c.id);
    for (const gone of ['cli-versions', 'parse-errors', 'file-access', 'limits', 'account-limits']) {
      expect(ids).not.toContain(gone);
    }
    expect(report.checks.find((c) => c.id === 'sessions')?.status).toBe('warn');
  });

  it('no id and no socket: the client id and IPC fail, and no handshake is tried', () => {
    const report = diagnose({
      ...healthy(),
      config: loaded((c) => (c.discordClientId = '')),
      discord: {
        candidates: ['/tmp/discord-ipc-0', '/tmp/snap.discord/discord-ipc-0'],
        found: [],
        untrusted: [],
        handshake: null,
      },
    });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'client-id')).toMatchObject({ status: 'fail', detail: 'not set' });
    expect(report.checks.find((c) => c.id === 'ipc')?.detail).toBe('no socket among 2 paths (under /tmp)');
    expect(report.checks.map((c) => c.id)).not.toContain('handshake');
  });

  it('stale limits and a refused compressed file warn; they do not block', () => {
    const base = healthy();
    const stale = { ...window(40), stale: true, observedAt: T0 - 20 * 60_000 };
    const recent = base.recent === null ? null : { ...base.recent, skippedCompressed: ['/x.jsonl.zst (truncated)'] };
    const report = diagnose({
      ...base,
      recent,
      engine: base.engine === null ? null : { ...base.engine, primary: stale },
    });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'limits')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^last seen 20m ago, .* \(stale after 15 min\)$/),
    });
    expect(report.checks.find((c) => c.id === 'compressed-rollouts')?.detail).toBe(
      '1 compressed rollout skipped: /x.jsonl.zst (truncated)',
    );
  });
});
