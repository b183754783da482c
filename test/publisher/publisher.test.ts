import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/contract/index.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { instancePath, readInstance, type InstanceKind } from '../../src/instance/instanceFile.js';
import { processIdentity } from '../../src/instance/processInfo.js';
import { moveFor, startPublisher, type Publisher, type PublisherState } from '../../src/publisher/index.js';
import { SAMPLES, TempCodexHome } from '../support/codexHome.js';
import { FakeDiscord } from '../support/fakeDiscord.js';
import { firstWhere } from '../support/subscription.js';
import { testIpc } from '../support/discordIpc.js';

// The one publisher in this process, with everything real: a Codex home on
// disk, the lock in a state folder, Discord on a real socket.
const ID = '123456789012345678';
let home: TempCodexHome;
let runtime: string;
let fake: FakeDiscord;
const started: Publisher[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  home = await TempCodexHome.create();
  runtime = await mkdtemp(join(tmpdir(), 'cdp-publisher-'));
  fake = await FakeDiscord.start(testIpc(runtime).path(0));
});
afterEach(async () => {
  for (const p of started.splice(0)) await p.stop();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await fake.close();
  await home.remove();
  await rm(runtime, { recursive: true, force: true });
});

const stateDir = () => join(runtime, 'state');

function config(change: (c: Settings) => void = () => undefined): Settings {
  const c = defaultSettings();
  c.discordClientId = ID;
  change(c);
  return c;
}

function start(kind: InstanceKind, cfg = config()): { publisher: Publisher; states: PublisherState[] } {
  const publisher = startPublisher({
    kind,
    version: '0.1.0',
    env: { ...testIpc(runtime).env, CODEX_HOME: home.home },
    config: cfg,
    codexHome: home.home,
    stateDir: stateDir(),
    dataDir: join(runtime, 'data'),
  });
  started.push(publisher);
  const states: PublisherState[] = [];
  publisher.subscribe((next) => states.push(next));
  return { publisher, states };
}

/** A live process of another kind holding the lock: a real child, its identity as the OS reports it. */
async function ownerOfKind(kind: InstanceKind): Promise<ChildProcess> {
  const child = spawn('sleep', ['60']);
  children.push(child);
  let id = await processIdentity(child.pid ?? 0);
  while (id?.exe?.endsWith('sleep') !== true) {
    await new Promise((r) => setTimeout(r, 10));
    id = await processIdentity(child.pid ?? 0);
  }
  await mkdir(stateDir(), { recursive: true });
  const info = {
    pid: child.pid,
    kind,
    exe: id.exe,
    ...(id.cmdline === null ? {} : { cmdline: id.cmdline }),
    startedAt: new Date(id.startedAt ?? 0).toISOString(),
    version: '0.1.0',
  };
  await writeFile(instancePath(stateDir()), JSON.stringify(info));
  return child;
}

async function until(publisher: Publisher, test: (s: PublisherState) => boolean): Promise<PublisherState> {
  if (test(publisher.state)) return publisher.state;
  return firstWhere((listener) => publisher.subscribe(listener), test);
}

describe('who may signal whom', () => {
  it('a wrapper is never signalled; the tray app only with --takeover; a wrapper never publishes beside anyone', () => {
    for (const me of ['gui', 'headless'] as const) {
      expect(moveFor(me, 'wrapper', false)).toBe('wait');
      expect(moveFor(me, 'wrapper', true)).toBe('wait');
      expect(moveFor(me, 'headless', false)).toBe('signal');
    }
    expect(moveFor('headless', 'gui', false)).toBe('refuse');
    expect(moveFor('headless', 'gui', true)).toBe('signal');
    for (const owner of ['gui', 'headless', 'wrapper'] as const) expect(moveFor('wrapper', owner, true)).toBe('yield');
  });
});

describe('the published state', () => {
  it('published and the session shown arrive in the change that set the activity; stop clears and releases', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const { publisher, states } = start('headless');
    expect((await publisher.settled).phase).toBe('held');
    expect(await readInstance(stateDir())).toMatchObject({ pid: process.pid, kind: 'headless' });
    const shown = await until(publisher, (s) => s.published);
    await fake.until(() => fake.activities.some((a) => a !== null));
    expect(shown.shownSessionId).toBe(shown.snapshot?.current);
    expect(shown.discord.state).toBe('connected');
    // Never published without the session it shows, nor a session without being published.
    expect(states.filter((s) => s.published !== (s.shownSessionId !== null))).toEqual([]);
    // The lock went from claiming to held, and the first snapshot came after it.
    expect(states.findIndex((s) => s.lock.phase === 'held')).toBeLessThan(states.findIndex((s) => s.snapshot !== null));

    await publisher.stop();
    expect(fake.activities.at(-1)).toBeNull();
    expect(await readInstance(stateDir())).toBeNull();
  });

  it('pausing clears the activity and the session in one change; resuming shows both again', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const { publisher, states } = start('headless');
    await until(publisher, (s) => s.published);
    const before = states.length;
    publisher.setPaused(true);
    expect(states.slice(before)).toHaveLength(1);
    expect(publisher.state).toMatchObject({ paused: true, published: false, shownSessionId: null });
    await fake.until(() => fake.activities.at(-1) === null);
    publisher.setPaused(false);
    expect(publisher.state.published).toBe(true);
    expect(publisher.state.shownSessionId).toBe(publisher.state.snapshot?.current);
    await fake.until(() => fake.activities.at(-1) != null);
  });

  it('switched off: connected to nothing, published never, the session never', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const { publisher } = start(
      'headless',
      config((c) => (c.discordEnabled = false)),
    );
    await publisher.settled;
    await until(publisher, (s) => s.snapshot !== null);
    expect(publisher.state).toMatchObject({ discord: { state: 'disabled' }, published: false, shownSessionId: null });
    expect(fake.handshakes).toEqual([]);
  });
});

describe('the lock, by kind', () => {
  it('a wrapper beside a live publisher yields: no monitor, no Discord, the lock untouched', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    await ownerOfKind('headless');
    const { publisher } = start('wrapper');
    expect(await publisher.settled).toMatchObject({ phase: 'yielded', owner: { kind: 'headless' } });
    expect(publisher.state.snapshot).toBeNull();
    await publisher.stop();
    expect(fake.handshakes).toEqual([]);
    expect((await readInstance(stateDir()))?.kind).toBe('headless');
  });

  it('`run` refuses the tray app and touches nothing', async () => {
    await ownerOfKind('gui');
    const { publisher } = start('headless');
    expect(await publisher.settled).toMatchObject({ phase: 'refused', why: 'owner', owner: { kind: 'gui' } });
    expect((await readInstance(stateDir()))?.kind).toBe('gui');
  });

  it('the app reads the home while a wrapper publishes, and publishes once the wrapper lets go', async () => {
    await home.writeLiveSample(SAMPLES.basic);
    const wrapper = await ownerOfKind('wrapper');
    const { publisher } = start('gui');
    expect(await publisher.claimed).toMatchObject({ phase: 'waiting', owner: { kind: 'wrapper' } });
    expect(publisher.state.snapshot?.sessions).toHaveLength(1);
    expect(publisher.state.published).toBe(false);
    expect(fake.handshakes).toEqual([]);
    expect(wrapper.signalCode).toBeNull();
    // Its codex exits and so does the wrapper, leaving its lock behind: the app reclaims it.
    wrapper.kill('SIGKILL');
    expect((await publisher.settled).phase).toBe('held');
    expect((await readInstance(stateDir()))?.kind).toBe('gui');
    await until(publisher, (s) => s.published);
  });

  it('a stop while waiting for a wrapper ends the wait: stopped, never published', async () => {
    await ownerOfKind('wrapper');
    const { publisher } = start('headless');
    await until(publisher, (s) => s.lock.phase === 'waiting');
    await publisher.stop();
    expect(await publisher.settled).toEqual({ phase: 'stopped' });
    expect((await readInstance(stateDir()))?.kind).toBe('wrapper');
    expect(fake.handshakes).toEqual([]);
  });
});
