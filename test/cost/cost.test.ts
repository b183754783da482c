import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CodexSessionSnapshot } from '../../src/contract/index.js';
import { loadConfig, writeConfig } from '../../src/config/store.js';
import { CATALOG_VERSION, catalogRates, PRICES_AS_OF } from '../../src/cost/catalog.js';
import { modelKey, NO_PRICING, ratesFor, readPricing } from '../../src/cost/pricing.js';
import { addCosts, costOf } from '../../src/cost/rule.js';
import { UsageEngine } from '../../src/usage/engine.js';
import { runCli } from '../support/cli.js';
import { line, SAMPLES, TempCodexHome } from '../support/codexHome.js';
import {
  AGENT_V1_ID,
  AGENT_V2_ID,
  PARENT_ID,
  agentV1Rollout,
  agentV2Rollout,
  parentRollout,
} from '../support/multiAgent.js';
import { usdText } from '../../src/format/cost.js';

let home: TempCodexHome;
beforeEach(async () => {
  home = await TempCodexHome.create();
});
afterEach(async () => {
  await home.remove();
});

const configFile = () => join(home.home, 'discord-presence-config.json');

/** The basic sample's session through the real engine, its model renamed where `rename` says. */
async function sessionOf(rename: (content: string) => string = (c) => c): Promise<CodexSessionSnapshot> {
  const file = await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
  // writeLiveSample moved the times to now; the model is renamed in what it wrote.
  await writeFile(file, rename(await readFile(file, 'utf8')));
  const engine = new UsageEngine({ codexHome: home.home });
  await engine.coldStart();
  const s = engine.snapshot().sessions[0];
  if (s === undefined) throw new Error('no session');
  return s;
}

describe('the price catalog (bundled @pydantic/genai-prices data)', () => {
  it('names the data it bundles: the installed package is the version whose date outputs print', async () => {
    const pkg = JSON.parse(
      await readFile(join('node_modules', '@pydantic', 'genai-prices', 'package.json'), 'utf8'),
    ) as { version: string };
    // Bumping the package fails here until CATALOG_VERSION and PRICES_AS_OF (its publish day) follow.
    expect(pkg.version).toBe(CATALOG_VERSION);
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('knows the gpt-5.x family Codex uses, and nothing for a model it does not know', () => {
    expect(catalogRates('gpt-5.5')).toEqual({ input: 5, cachedInput: 0.5, output: 30 });
    expect(catalogRates('gpt-5.3-codex')).toEqual({ input: 1.75, cachedInput: 0.175, output: 14 });
    expect(catalogRates('gpt-5-codex')).toEqual({ input: 1.25, cachedInput: 0.125, output: 10 });
    expect(catalogRates('gpt-5.3-codex-spark')).toBeNull();
    expect(catalogRates('claude-sonnet-4')).toBeNull(); // an OpenAI price or none
  });

  it('a gpt-…-fast is its model; names are trimmed and lower-cased', () => {
    expect(modelKey(' GPT-5.5-Fast ')).toBe('gpt-5.5');
    expect(ratesFor('gpt-5.5-fast', NO_PRICING)).toEqual(catalogRates('gpt-5.5'));
  });
});

describe('the rule on a real sample', () => {
  it('exact: non-cached input, cached input and output each at its price, cached input billed once', async () => {
    const s = await sessionOf();
    // input_tokens 28500 includes cached 10200: 18300 non-cached; output 600 includes reasoning 222.
    expect(s.byModel).toEqual([{ model: 'gpt-5.5', input: 18300, cachedInput: 10200, output: 600 }]);
    // 18300 × $5 + 10200 × $0.50 + 600 × $30, per million.
    expect(s.cost).toEqual({ usd: 0.1146, status: 'exact', unpriced: [] });
  });

  it('partial: a turn of an unpriced model is named and left out, the rest is a lower bound', async () => {
    // The sample's second turn (its second turn_context) is of another model.
    let contexts = 0;
    const s = await sessionOf((c) =>
      c
        .split('\n')
        .map((l) =>
          l.includes('"type":"turn_context"') && ++contexts === 2 ? l.replace('"gpt-5.5"', '"in-house-7"') : l,
        )
        .join('\n'),
    );
    expect(s.cost.status).toBe('partial');
    expect(s.cost.unpriced).toEqual(['in-house-7']);
    expect(s.cost.usd).toBeGreaterThan(0);
    expect(s.cost.usd).toBeLessThan(0.1146);
  });

  it('unavailable: nothing priced gives no number at all', async () => {
    const s = await sessionOf((c) => c.replaceAll('"model":"gpt-5.5"', '"model":"in-house-7"'));
    expect(s.cost).toEqual({ usd: null, status: 'unavailable', unpriced: ['in-house-7'] });
  });

  it('figures add as exact only when both are', () => {
    const exact = costOf([{ model: 'gpt-5.5', input: 1e6, cachedInput: 0, output: 0 }], (m) => ratesFor(m, NO_PRICING));
    const none = costOf([{ model: 'x', input: 1, cachedInput: 0, output: 0 }], () => null);
    expect(exact).toEqual({ usd: 5, status: 'exact', unpriced: [] });
    expect(addCosts(exact, none)).toEqual({ usd: 5, status: 'partial', unpriced: ['x'] });
    expect(addCosts(none, none).status).toBe('unavailable');
    // An exact $0 (a day without use) adds nothing: unpriced tokens stay unavailable, not "at least $0".
    const zero = { usd: 0, status: 'exact' as const, unpriced: [] };
    expect(addCosts(zero, none)).toEqual(none);
    expect(addCosts(none, zero)).toEqual(none);
    expect(costOf([{ model: null, input: 5, cachedInput: 0, output: 0 }], () => null).unpriced).toEqual([
      'unknown model',
    ]);
  });
});

describe('each token priced once', () => {
  it('a fork is priced for its own growth, not what it inherited; a model switch prices each turn by its model', async () => {
    const at = (s: number) => new Date(Date.now() - 120_000 + s * 1000).toISOString();
    await home.writeRollout(
      home.rolloutPath('2026-11-21', 'fork'),
      [
        line.meta(at(0), { id: 'fork', forked_from_id: 'parent' }),
        line.turnContext(at(1), 'gpt-5.5'),
        // The fork's first count: the parent's 100,000 plus its own first request of 10,000.
        line.tokenCount(at(2), 110_000, 10_000),
        line.turnContext(at(3), 'gpt-5.3-codex'),
        line.tokenCount(at(4), 130_000, 20_000),
        '',
      ].join('\n'),
    );
    const engine = new UsageEngine({ codexHome: home.home });
    await engine.coldStart();
    const s = engine.snapshot().sessions[0];
    // usage(n): 80 % input (a quarter of it cached), 20 % output.
    expect(s?.byModel).toEqual([
      { model: 'gpt-5.5', input: 6000, cachedInput: 2000, output: 2000 },
      { model: 'gpt-5.3-codex', input: 12_000, cachedInput: 4000, output: 4000 },
    ]);
    // 6000 × $5 + 2000 × $0.50 + 2000 × $30, and 12,000 × $1.75 + 4000 × $0.175 + 4000 × $14, per million.
    expect(s?.cost).toEqual({ usd: 0.1687, status: 'exact', unpriced: [] }); // 0.091 + 0.0777
  });
});

describe('pricing.aliases and pricing.overrides, through the real config file', () => {
  const pricing = {
    aliases: { 'In-House-7': 'gpt-5.3-codex' },
    overrides: { 'gpt-5.5': { input_per_million: 10, cached_input_per_million: 1, output_per_million: 60 } },
  };

  it('status --json prices by them (override first, then alias, then the catalog)', async () => {
    await writeFile(configFile(), JSON.stringify({ pricing }, null, 2));
    await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
    const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as { sessions: CodexSessionSnapshot[]; configIssues: string[] };
    expect(status.configIssues.filter((p) => p.startsWith('pricing'))).toEqual([]);
    // 18300 × $10 + 10200 × $1 + 600 × $60: twice the catalog's price.
    expect(status.sessions[0]?.cost).toEqual({ usd: 0.2292, status: 'exact', unpriced: [] });
    const reading = readPricing({ pricing });
    expect(ratesFor('in-house-7', reading.pricing)).toEqual(catalogRates('gpt-5.3-codex'));
  });

  it('hostile values are problems said, never a crash, and the rest is used', async () => {
    const hostile = {
      pricing: {
        aliases: { a: 7, '': 'gpt-5.5', b: 'b' },
        overrides: {
          'gpt-5.5': { input_per_million: -1, output_per_million: 30 },
          huge: { input_per_million: 1e300, output_per_million: 1 },
          nan: 'x',
          ok: { input_per_million: 2, output_per_million: 8 },
        },
      },
    };
    await writeFile(configFile(), JSON.stringify(hostile));
    await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
    const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as { sessions: CodexSessionSnapshot[]; configIssues: string[] };
    expect(status.configIssues.filter((p) => p.startsWith('pricing'))).toHaveLength(6);
    // The bad gpt-5.5 override is left out: the catalog's price stands.
    expect(status.sessions[0]?.cost.usd).toBe(0.1146);
    expect(ratesFor('ok', readPricing(hostile).pricing)).toEqual({ input: 2, cachedInput: 2, output: 8 });
    expect(readPricing({ pricing: [1] }).problems).toHaveLength(1);
  });

  it('a save of the settings keeps the pricing bytes as they were', async () => {
    const text = `{\n  "pricing": {"aliases":{"In-House-7":"gpt-5.3-codex"},   "overrides": {"gpt-5.5": {"input_per_million": 10.0, "output_per_million": 6e1}}},\n  "openai_plan": {"mode": "manual", "tier": "pro_20x"}\n}\n`;
    await writeFile(configFile(), text);
    await writeConfig(configFile(), (current) => ({
      ...current.config,
      general: { ...current.config.general, staleMinutes: 45 },
    }));
    const after = await readFile(configFile(), 'utf8');
    expect(after).toContain(
      `"pricing": {"aliases":{"In-House-7":"gpt-5.3-codex"},   "overrides": {"gpt-5.5": {"input_per_million": 10.0, "output_per_million": 6e1}}}`,
    );
    expect(after).toContain(`"openai_plan": {"mode": "manual", "tier": "pro_20x"}`);
    expect((await loadConfig(configFile())).config.general.staleMinutes).toBe(45);
  });
});

describe('sub-agents', () => {
  it('each thread is priced from its own file, and status’s total adds the row and its agents once', async () => {
    const start = Date.now() - 5 * 60_000;
    const write = (id: string, text: string) => home.writeRollout(home.rolloutPath('2026-11-22', id), text);
    await write(PARENT_ID, parentRollout(start));
    const alone = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
    const parentAlone = (JSON.parse(alone.stdout) as { sessions: CodexSessionSnapshot[] }).sessions[0];
    await write(AGENT_V1_ID, agentV1Rollout(start + 60_000));
    await write(AGENT_V2_ID, agentV2Rollout(start + 90_000));
    const json = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home]);
    const row = (JSON.parse(json.stdout) as { sessions: CodexSessionSnapshot[] }).sessions[0];
    // The parent's cost is its own file's alone: nothing of the agents is added to it.
    expect(row?.cost).toEqual(parentAlone?.cost);
    const costs = [row, ...(row?.agents.threads ?? [])].map((s) => s?.cost);
    for (const c of costs) expect(c?.status).toBe('exact');
    const total = costs.reduce((n, c) => n + (c?.usd ?? 0), 0);
    const text = await runCli(['status', '--no-refresh', '--codex-home', home.home]);
    expect(text.stdout).toContain(`live sessions ${usdText(Math.round(total * 1e9) / 1e9)}`);
  });
});
