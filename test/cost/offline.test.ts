import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CodexSessionSnapshot } from '../../src/contract/index.js';
import { runCli } from '../support/cli.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';

let home: TempCodexHome;
let dir: string;
beforeEach(async () => {
  home = await TempCodexHome.create();
  dir = await mkdtemp(join(tmpdir(), 'cdp-offline-'));
});
afterEach(async () => {
  await home.remove();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Loaded before the CLI (`--import`): every way out to the network writes a
 * mark and throws. Prices come from the data bundled in the CLI, so the
 * mark never appears and the cost is still exact.
 */
const STUB = (mark: string) => `
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
const refuse = (what) => () => { writeFileSync(${JSON.stringify(mark)}, what); throw new Error('network used: ' + what); };
globalThis.fetch = refuse('fetch');
for (const [name, mod] of [['http', http], ['https', https]]) { mod.request = refuse(name + '.request'); mod.get = refuse(name + '.get'); }
net.connect = refuse('net.connect'); net.createConnection = refuse('net.createConnection'); tls.connect = refuse('tls.connect');
writeFileSync(${JSON.stringify(mark)} + '.loaded', '');
`;

it('the built CLI prices a session with every network call refused: the prices are bundled, never fetched', async () => {
  const mark = join(dir, 'network-used');
  const stub = join(dir, 'no-network.mjs');
  await writeFile(stub, STUB(mark));
  await home.writeLiveSample(SAMPLES.basic, 'basic', 60_000);
  const run = await runCli(['status', '--json', '--no-refresh', '--codex-home', home.home], {
    NODE_OPTIONS: `--import=${pathToFileURL(stub).href}`,
  });
  expect(run.stderr).not.toContain('network used');
  expect(run.code).toBe(0);
  expect(existsSync(`${mark}.loaded`)).toBe(true); // the stub ran in the CLI's process
  expect(existsSync(mark)).toBe(false);
  const status = JSON.parse(run.stdout) as { sessions: CodexSessionSnapshot[]; cost: { pricesAsOf: string } };
  expect(status.sessions[0]?.cost).toEqual({ usd: 0.1146, status: 'exact', unpriced: [] });
  expect(status.cost.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
});
