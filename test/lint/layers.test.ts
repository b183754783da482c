import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

// The layers (DEVELOPERS.md) are enforced by lint: prove each rule bites.
const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layer rules', () => {
  it.each([
    ['src/usage/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src/usage/x.ts', "import React from 'react';\nexport const a = React;\n"],
    ['src/usage/x.ts', "import { TrayApp } from '../../main/app.js';\nexport const a = TrayApp;\n"],
    ['main/x.ts', "import React from 'react';\nexport const a = React;\n"],
    // The rollout pipeline is the bottom layer: nothing built on it (issue 22 §1).
    ['src/rollout/x.ts', "import { UsageEngine } from '../usage/engine.js';\nexport const a = UsageEngine;\n"],
    ['src/rollout/x.ts', "import { DayFold } from '../history/fold.js';\nexport const a = DayFold;\n"],
    ['src/rollout/decode/x.ts', "import { loadConfig } from '../../config/store.js';\nexport const a = loadConfig;\n"],
    ['src/rollout/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    // src/codex talks to Codex (the app-server, the home's watcher) and builds on the pipeline: never below it.
    ['src/rollout/x.ts', "import { findCodex } from '../codex/findCodex.js';\nexport const a = findCodex;\n"],
    // The range rules are a leaf.
    ['src/ranges/x.ts', "import { readBounded } from '../fs/readBounded.js';\nexport const a = readBounded;\n"],
    ['src/ranges/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['preload/x.ts', "import { UsageEngine } from '../src/usage/engine.js';\nexport const a = UsageEngine;\n"],
    ['preload/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"],
    ['renderer/src/x.ts', "import { UsageEngine } from '../../src/usage/engine.js';\nexport const a = UsageEngine;\n"],
    ['renderer/src/x.ts', "import { loadConfig } from '../../src/config/store.js';\nexport const a = loadConfig;\n"],
    [
      'renderer/src/x.ts',
      "import { PresenceClient } from '../../src/discord/client.js';\nexport const a = PresenceClient;\n",
    ],
    // src/discord is transport only (issue 22 §5): nothing from the folders that decide what an activity says.
    ['src/discord/x.ts', "import { buildActivity } from '../presence/activity.js';\nexport const a = buildActivity;\n"],
    ['src/discord/x.ts', "import type { UsageSnapshot } from '../usage/types.js';\nexport type A = UsageSnapshot;\n"],
    ['src/discord/x.ts', "import type { LoadedConfig } from '../config/store.js';\nexport type A = LoadedConfig;\n"],
    ['src/discord/x.ts', "import { historyPath } from '../history/location.js';\nexport const a = historyPath;\n"],
    ['src/discord/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    // src/presence builds activities: no history, CLI, instance lock or app layers.
    ['src/presence/x.ts', "import { historyPath } from '../history/location.js';\nexport const a = historyPath;\n"],
    ['src/presence/x.ts', "import { runCommand } from '../cli/run.js';\nexport const a = runCommand;\n"],
    ['src/presence/x.ts', "import { claim } from '../instance/lock.js';\nexport const a = claim;\n"],
    ['src/presence/x.ts', "import { TrayApp } from '../../main/app.js';\nexport const a = TrayApp;\n"],
    // Only the CLI and main assemble the publisher (issue 22 §2); it joins the core and nothing above it.
    ['src/usage/x.ts', "import { startPublisher } from '../publisher/index.js';\nexport const a = startPublisher;\n"],
    ['src/history/x.ts', "import { KIND_POLICY } from '../publisher/policy.js';\nexport const a = KIND_POLICY;\n"],
    [
      'src/presence/x.ts',
      "import { startPublisher } from '../publisher/index.js';\nexport const a = startPublisher;\n",
    ],
    [
      'src/diagnostics/x.ts',
      "import { startPublisher } from '../publisher/index.js';\nexport const a = startPublisher;\n",
    ],
    ['src/publisher/x.ts', "import { runCommand } from '../cli/run.js';\nexport const a = runCommand;\n"],
    ['src/publisher/x.ts', "import { TrayApp } from '../../main/app.js';\nexport const a = TrayApp;\n"],
    ['src/publisher/x.ts', "import { diagnose } from '../diagnostics/index.js';\nexport const a = diagnose;\n"],
    ['src/publisher/x.ts', "import { findCodex } from '../codex/findCodex.js';\nexport const a = findCodex;\n"],
    ['src/publisher/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    // Diagnostics are below the CLI: it formats them.
    ['src/diagnostics/x.ts', "import { formatDoctor } from '../cli/doctor.js';\nexport const a = formatDoctor;\n"],
    // The settings table is below config and presence (no cycle), and pure: the renderer shares it.
    ['src/settings/x.ts', "import { loadConfig } from '../config/store.js';\nexport const a = loadConfig;\n"],
    [
      'src/settings/x.ts',
      "import { buildPresence } from '../presence/activity.js';\nexport const a = buildPresence;\n",
    ],
    ['src/settings/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    // The config file reads and writes; it builds no activity and reads no rollout.
    ['src/config/x.ts', "import { buildPresence } from '../presence/activity.js';\nexport const a = buildPresence;\n"],
    ['src/config/x.ts', "import { UsageEngine } from '../usage/engine.js';\nexport const a = UsageEngine;\n"],
  ])('%s: %s is rejected', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports');
  });

  it.each([
    ['renderer/src/x.ts', "import { CHANNELS } from '../../src/contract/index.js';\nexport const a = CHANNELS;\n"],
    [
      'renderer/src/x.ts',
      "import { compactNumber } from '../../src/format/numbers.js';\nexport const a = compactNumber;\n",
    ],
    ['preload/x.ts', "import { CHANNELS } from '../src/contract/index.js';\nexport const a = CHANNELS;\n"],
    ['main/x.ts', "import { UsageMonitor } from '../src/usage/monitor.js';\nexport const a = UsageMonitor;\n"],
    ['src/config/x.ts', "import { FIELDS } from '../settings/fields.js';\nexport const a = FIELDS;\n"],
    ['src/rollout/decode/x.ts', "import { LineCheck } from '../../ranges/ranges.js';\nexport const a = LineCheck;\n"],
    ['src/ranges/x.ts', "import { num } from './json.js';\nexport const a = num;\n"],
    ['src/presence/x.ts', "import { matchesGlob } from '../settings/glob.js';\nexport const a = matchesGlob;\n"],
    ['src/settings/x.ts', "import { quotedJson } from '../format/quoted.js';\nexport const a = quotedJson;\n"],
    [
      'renderer/src/x.ts',
      "import { PLACEHOLDERS } from '../../src/presence/template.js';\nexport const a = PLACEHOLDERS;\n",
    ],
    ['src/discord/x.ts', "import { encodeFrame } from './framing.js';\nexport const a = encodeFrame;\n"],
    ['src/discord/x.ts', "import { createConnection } from 'node:net';\nexport const a = createConnection;\n"],
    ['src/presence/x.ts', "import { PresenceClient } from '../discord/client.js';\nexport const a = PresenceClient;\n"],
    ['src/presence/x.ts', "import { pickCurrent } from '../usage/aggregate.js';\nexport const a = pickCurrent;\n"],
    ['src/presence/x.ts', "import { LineCheck } from '../ranges/ranges.js';\nexport const a = LineCheck;\n"],
    ['src/presence/x.ts', "import { fitText } from './limits.js';\nexport const a = fitText;\n"],
    ['src/rollout/x.ts', "import { LineCheck } from '../ranges/ranges.js';\nexport const a = LineCheck;\n"],
    ['src/usage/x.ts', "import { codexLogs } from '../rollout/index.js';\nexport const a = codexLogs;\n"],
    ['src/cli/x.ts', "import { startPublisher } from '../publisher/index.js';\nexport const a = startPublisher;\n"],
    ['main/x.ts', "import { startPublisher } from '../src/publisher/index.js';\nexport const a = startPublisher;\n"],
    ['src/publisher/x.ts', "import { UsageMonitor } from '../usage/monitor.js';\nexport const a = UsageMonitor;\n"],
    [
      'src/publisher/x.ts',
      "import { HistoryRecorder } from '../history/recorder.js';\nexport const a = HistoryRecorder;\n",
    ],
    [
      'src/publisher/x.ts',
      "import { claimInstance } from '../instance/instanceFile.js';\nexport const a = claimInstance;\n",
    ],
    [
      'src/publisher/x.ts',
      "import { buildPresence } from '../presence/activity.js';\nexport const a = buildPresence;\n",
    ],
    [
      'src/publisher/x.ts',
      "import { PresenceClient } from '../discord/client.js';\nexport const a = PresenceClient;\n",
    ],
    ['src/publisher/x.ts', "import { KIND_POLICY } from './policy.js';\nexport const a = KIND_POLICY;\n"],
    ['src/diagnostics/x.ts', "import { UsageEngine } from '../usage/engine.js';\nexport const a = UsageEngine;\n"],
    [
      'src/diagnostics/x.ts',
      "import { ipcCandidates } from '../discord/ipcPaths.js';\nexport const a = ipcCandidates;\n",
    ],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain('no-restricted-imports');
  });

  it('the core allows no `any`', async () => {
    expect(await ruleIds('src/usage/x.ts', 'export const a: any = 1;\n')).toContain(
      '@typescript-eslint/no-explicit-any',
    );
  });
});
