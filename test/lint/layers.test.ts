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
    [
      'src/discord/x.ts',
      "import type { PresenceConfig } from '../config/schema.js';\nexport type A = PresenceConfig;\n",
    ],
    ['src/discord/x.ts', "import { historyPath } from '../history/location.js';\nexport const a = historyPath;\n"],
    ['src/discord/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    // src/presence builds activities: no history, CLI, instance lock or app layers.
    ['src/presence/x.ts', "import { historyPath } from '../history/location.js';\nexport const a = historyPath;\n"],
    ['src/presence/x.ts', "import { runCommand } from '../cli/run.js';\nexport const a = runCommand;\n"],
    ['src/presence/x.ts', "import { claim } from '../instance/lock.js';\nexport const a = claim;\n"],
    ['src/presence/x.ts', "import { TrayApp } from '../../main/app.js';\nexport const a = TrayApp;\n"],
    // src/contract is a leaf (issue 22 §3): no other folder of the core, no package, no node: module.
    ['src/contract/x.ts', "import type { TokenUsage } from '../rollout/types.js';\nexport type A = TokenUsage;\n"],
    [
      'src/contract/x.ts',
      "import type { SessionInput } from '../usage/aggregate.js';\nexport type A = SessionInput;\n",
    ],
    ['src/contract/x.ts', "export type { DiscordActivity } from '../discord/payload.js';\n"],
    ['src/contract/x.ts', "export * from '../history/records.js';\n"],
    ['src/contract/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['src/contract/x.ts', "import { z } from 'zod';\nexport const a = z;\n"],
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
    [
      'renderer/src/x.ts',
      "import { PLACEHOLDERS } from '../../src/presence/template.js';\nexport const a = PLACEHOLDERS;\n",
    ],
    ['src/discord/x.ts', "import { encodeFrame } from './framing.js';\nexport const a = encodeFrame;\n"],
    ['src/discord/x.ts', "import { createConnection } from 'node:net';\nexport const a = createConnection;\n"],
    ['src/presence/x.ts', "import { PresenceClient } from '../discord/client.js';\nexport const a = PresenceClient;\n"],
    ['src/presence/x.ts', "import { pickCurrent } from '../usage/aggregate.js';\nexport const a = pickCurrent;\n"],
    ['src/presence/x.ts', "import { LineCheck } from '../codex/ranges.js';\nexport const a = LineCheck;\n"],
    ['src/presence/x.ts', "import { fitText } from './limits.js';\nexport const a = fitText;\n"],
    ['src/rollout/x.ts', "import { LineCheck } from '../codex/ranges.js';\nexport const a = LineCheck;\n"],
    ['src/usage/x.ts', "import { codexLogs } from '../rollout/index.js';\nexport const a = codexLogs;\n"],
    // The contract's files import one another; every layer imports the contract.
    ['src/contract/x.ts', "import type { UsageSnapshot } from './snapshot.js';\nexport type A = UsageSnapshot;\n"],
    ['src/contract/x.ts', "export type * from './history.js';\n"],
    ['src/rollout/x.ts', "import type { Activity } from '../contract/index.js';\nexport type A = Activity;\n"],
    [
      'src/presence/x.ts',
      "import type { UsageSnapshot } from '../contract/index.js';\nexport type A = UsageSnapshot;\n",
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
