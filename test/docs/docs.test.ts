import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { normalizeFile } from '../../src/settings/fromFile.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { currentProcessInfo, readInstance, INSTANCE_FILE } from '../../src/instance/instanceFile.js';
import { ROOT, runCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';

// The documentation is kept true to the code: its examples are checked here.
const doc = (path: string) => readFile(join(ROOT, path), 'utf8');
const jsonBlocks = (md: string): unknown[] =>
  [...md.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1] ?? '') as unknown);

type Obj = Record<string, unknown>;
/** Same shape, where a documented value may be null in one and filled in the other (nullable fields). */
function sameShape(a: unknown, b: unknown, path = '$'): void {
  if (a === null || b === null) return;
  if (Array.isArray(a) || Array.isArray(b)) {
    expect(Array.isArray(a) && Array.isArray(b), path).toBe(true);
    if ((a as unknown[]).length > 0 && (b as unknown[]).length > 0)
      sameShape((a as unknown[])[0], (b as unknown[])[0], `${path}[0]`);
    return;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a as Obj).sort(), path).toEqual(Object.keys(b as Obj).sort());
    for (const k of Object.keys(a as Obj)) sameShape((a as Obj)[k], (b as Obj)[k], `${path}.${k}`);
    return;
  }
  expect(typeof a, path).toBe(typeof b);
}

let status: Obj;
let doctor: Obj;
beforeAll(async () => {
  const home = await TempCodexHome.create();
  try {
    for (const sample of [SAMPLES.basic, SAMPLES.nearLimit]) await home.writeLiveSample(sample, sample, 60_000);
    // The lock lives in our state folder; this test process stands in for a running tray app.
    const stateDir = join(home.home, 'state');
    await mkdir(stateDir);
    await writeFile(
      join(stateDir, INSTANCE_FILE),
      JSON.stringify({ ...(await currentProcessInfo('gui', '0.1.0')), discord: { state: 'connected' } }),
    );
    status = JSON.parse(
      (await runCli(['status', '--json'], { CODEX_HOME: home.home, CODEX_PRESENCE_STATE_DIR: stateDir })).stdout,
    ) as Obj;
    doctor = JSON.parse(
      (await runCli(['doctor', '--json'], { CODEX_HOME: home.home, XDG_RUNTIME_DIR: home.home })).stdout,
    ) as Obj;
  } finally {
    await home.remove();
  }
});

describe('docs/api/status-json.md', () => {
  it('the example has exactly the shape `status --json` prints', async () => {
    const [example] = jsonBlocks(await doc('docs/api/status-json.md'));
    sameShape(example, status);
  });

  it('the example’s tokens and context are what `status --json` prints for that sample (Codex’s figure)', async () => {
    type Session = { project: string; tokens: Record<string, number>; context: unknown };
    const [example] = jsonBlocks(await doc('docs/api/status-json.md')) as Array<{ sessions: Session[] }>;
    const documented = example?.sessions[0];
    const real = (status.sessions as Session[]).find((s) => s.project === documented?.project);
    expect(documented?.tokens).toEqual(real?.tokens);
    expect(documented?.context).toEqual(real?.context);
  });

  it('the worked example of the token figure adds up', async () => {
    const md = await doc('docs/api/status-json.md');
    expect(md).toContain('figure = max(0, input − cachedInput) + output');
    expect(md).toContain('(33000 − 14400) + 660 = **19260**');
    expect(Math.max(0, 33000 - 14400) + 660).toBe(19260);
  });
});

describe('docs/cost.md', () => {
  it('the worked example is what `status --json` prices the sample at', async () => {
    const md = await doc('docs/cost.md');
    const real = (status.sessions as Array<{ project: string; cost: { usd: number } }>).find(
      (s) => s.project === 'orbit-api',
    );
    expect(md).toContain('**$0.1146**');
    expect(real?.cost.usd).toBe(0.1146);
    expect((18300 * 5 + 10200 * 0.5 + 600 * 30) / 1e6).toBeCloseTo(0.1146, 10);
  });
});

describe('docs/api/codex-presence.md', () => {
  it('documents every command, and only real ones', async () => {
    const md = await doc('docs/api/codex-presence.md');
    const documented = [...md.matchAll(/^### `([a-z]+)[ `]/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(
      COMMANDS.map((c) => c.name)
        .filter((n) => n !== 'help')
        .sort(),
    );
    expect(md).toContain('### (no command)');
    for (const c of COMMANDS) for (const opt of Object.keys(c.options)) expect(md, `--${opt}`).toContain(`--${opt}`);
  });

  it('the doctor JSON example has the real shape, ids and statuses', async () => {
    const blocks = jsonBlocks(await doc('docs/api/codex-presence.md'));
    const example = blocks.find((b) => (b as Obj).checks !== undefined) as { checks: Obj[] } & Obj;
    expect(Object.keys(example).sort()).toEqual(Object.keys(doctor).sort());
    const realChecks = doctor.checks as Obj[];
    const realIds = new Set(realChecks.map((c) => c.id));
    for (const c of example.checks) {
      expect(realIds.has(c.id), String(c.id)).toBe(true);
      expect(['ok', 'warn', 'fail']).toContain(c.status);
      expect(realChecks.find((r) => r.id === c.id)?.title).toBe(c.title);
    }
    const md = await doc('docs/api/codex-presence.md');
    const listed = /The checks, by `id`: ([\s\S]*?)\.\n/.exec(md)?.[1] ?? '';
    const ids = [...listed.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
    // `handshake`, `special-files` and `compressed-rollouts` appear only when they apply
    // (Discord found; special entries present; a compressed rollout could not be read).
    expect(new Set(ids)).toEqual(new Set([...realIds, 'handshake', 'special-files', 'compressed-rollouts']));
  });

  it('the config example is valid as it stands', async () => {
    const example = jsonBlocks(await doc('docs/api/codex-presence.md')).find(
      (b) => (b as Obj).presence_schema_version !== undefined,
    );
    const normalized = normalizeFile(example);
    expect(normalized.problems).toEqual([]);
    expect(normalized.migratedFrom).toBeNull();
    expect(normalized.settings).toEqual({ ...defaultSettings(), discordClientId: '123456789012345678' });
  });

  it('the instance file example is what the reader accepts', async () => {
    const example = jsonBlocks(await doc('docs/api/codex-presence.md')).find((b) => (b as Obj).kind !== undefined);
    const dir = await mkdtemp(join(tmpdir(), 'cdp-doc-'));
    try {
      await writeFile(join(dir, INSTANCE_FILE), JSON.stringify(example));
      expect(await readInstance(dir)).toEqual(example);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('README', () => {
  it('its two commands exist, and .ci/run calls the same test command', async () => {
    const readme = await doc('README.md');
    const pkg = JSON.parse(await doc('package.json')) as { scripts: Record<string, string> };
    expect(readme).toContain('npm install && npm start');
    expect(readme).toMatch(/```sh\nnpm test\n```/);
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toContain('vitest run');
    expect(await doc('.ci/run')).toMatch(/^npm test$/m);
    for (const c of COMMANDS.filter((x) => x.name !== 'help')) expect(readme).toContain(`\`${c.name}`);
  });
});

describe('the `status` text examples (README, docs/api/codex-presence.md)', () => {
  /** Numbers, months and paths vary from run to run; the words, labels and layout must not. */
  const shape = (l: string) =>
    l
      .replace(/\/\S+/g, 'PATH')
      .replace(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/g, 'MON')
      .replace(/\d+(\.\d+)?[kMB]?/g, '#')
      .replace(/# ?d( #h)?|#h( #m)?|#m/g, 'DURATION');
  const rows = (text: string) => text.split('\n').filter((l) => !/^(Publisher|Discord) /.test(l));

  it('are what `status` prints for one idle session', async () => {
    const home = await TempCodexHome.create();
    try {
      await home.writeLiveSample(SAMPLES.basic, 'orbit', 180_000);
      const run = await runCli(['status', '--no-refresh'], {
        CODEX_HOME: home.home,
        CODEX_PRESENCE_STATE_DIR: join(home.home, 'state'),
      });
      const real = rows(run.stdout.trimEnd()).map(shape);
      for (const path of ['README.md', 'docs/api/codex-presence.md']) {
        const block = /```text\n(?:\$ npm run cli -- status\n)?(Codex home[\s\S]*?)\n```/.exec(await doc(path))?.[1];
        expect(block, path).toBeDefined();
        expect(rows(block ?? '').map(shape), path).toEqual(real);
      }
    } finally {
      await home.remove();
    }
  });
});
