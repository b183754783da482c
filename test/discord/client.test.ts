import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PresenceClient, type DiscordClientState } from '../../src/discord/client.js';
import { testIpc, type TestIpc } from '../support/discordIpc.js';
import { FakeDiscord, makeStaleSocket } from '../support/fakeDiscord.js';
import { HostilePeer } from '../support/hostilePeer.js';
import { ManualClock } from '../support/manualClock.js';

// Our client against a Discord IPC server on a real Unix socket (a named pipe of its own on Windows).
const ID = '123456789012345678';
const WINDOWS = process.platform === 'win32';
let dir: string;
let ipc: TestIpc;
let fake: FakeDiscord;
let client: PresenceClient | null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-ipc-'));
  ipc = testIpc(dir);
  fake = await FakeDiscord.start(ipc.path(0));
  client = null;
});
afterEach(async () => {
  await client?.stop(200);
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function make(extra: Partial<ConstructorParameters<typeof PresenceClient>[0]> = {}): PresenceClient {
  client = new PresenceClient({
    clientId: ID,
    env: ipc.env,
    minBackoffMs: 20,
    maxBackoffMs: 80,
    ...extra,
  });
  return client;
}

function stateIs(c: PresenceClient, want: (s: DiscordClientState) => boolean): Promise<DiscordClientState> {
  if (want(c.state)) return Promise.resolve(c.state);
  return new Promise((resolve) => {
    const off = c.onState((s) => {
      if (want(s)) {
        off();
        resolve(s);
      }
    });
  });
}

/** Until the client has logged `text` (a fixed sleep raced it on a loaded machine); the test's timeout bounds it. */
async function logged(logs: readonly string[], text: string): Promise<void> {
  while (!logs.some((l) => l.includes(text))) await new Promise((r) => setTimeout(r, 10));
}

describe('PresenceClient', () => {
  it('handshakes with {v: 1, client_id}, then sets, updates and clears the activity', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    expect(fake.handshakes[0]?.data).toEqual({ v: 1, client_id: ID });
    c.setActivity({ details: 'Thinking' });
    await c.settled();
    c.setActivity({ details: 'Editing code' });
    await c.settled();
    c.setActivity(null);
    await c.settled();
    expect(fake.activities).toEqual([{ details: 'Thinking' }, { details: 'Editing code' }, null]);
    const set = fake.received.find((r) => r.data.cmd === 'SET_ACTIVITY');
    expect(set?.data).toMatchObject({ args: { pid: process.pid }, nonce: expect.any(String) });
  });

  it('never sends the same payload twice', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    for (let i = 0; i < 4; i += 1) c.setActivity({ details: 'Same' });
    await c.settled();
    expect(fake.activities).toEqual([{ details: 'Same' }]);
  });

  it('an empty client id keeps presence disabled with an explanation', () => {
    const c = make({ clientId: '' });
    c.start();
    expect(c.state.state).toBe('disabled');
    expect(c.state.reason).toMatch(/application id/);
  });

  it('CLOSE 4000 (invalid client id) is a typed error and stops retrying until the id changes', async () => {
    fake.options.closeOnHandshake = { code: 4000, message: 'Invalid Client ID' };
    const c = make();
    c.start();
    const s = await stateIs(c, (x) => x.state === 'error');
    expect(s.reason).toMatch(/application id is not valid/);
    // Ten backoff periods later there was still only the one handshake.
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.handshakes).toHaveLength(1);
    fake.options.closeOnHandshake = null;
    c.setClientId('987654321098765432');
    await stateIs(c, (x) => x.state === 'connected');
    expect(fake.handshakes.at(-1)?.data).toEqual({ v: 1, client_id: '987654321098765432' });
  });

  it('retryNow connects at once instead of waiting out the backoff (the popover’s Retry)', async () => {
    await fake.close();
    const c = make({ minBackoffMs: 60_000, maxBackoffMs: 60_000 });
    c.start();
    await stateIs(c, (s) => s.state === 'error');
    // Discord starts; the next backoff step is a minute away.
    fake = await FakeDiscord.start(ipc.path(0));
    c.retryNow();
    await stateIs(c, (s) => s.state === 'connected');
    expect(fake.handshakes).toHaveLength(1);
    // While connected, Retry changes nothing.
    c.retryNow();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.handshakes).toHaveLength(1);
    expect(c.state.state).toBe('connected');
  });

  it('CLOSE 4004 is reported as a wrong version', async () => {
    fake.options.closeOnHandshake = { code: 4004, message: 'Invalid Version' };
    const c = make();
    c.start();
    expect((await stateIs(c, (x) => x.state === 'error')).reason).toMatch(/RPC version/);
  });

  it('an ERROR reply fails that update but keeps the connection', async () => {
    fake.options.errorOnSetActivity = { code: 4000, message: 'child "activity" fails' };
    const logs: string[] = [];
    const c = make({ log: (m) => logs.push(m) });
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    c.setActivity({ details: 'x' });
    await fake.until(() => fake.activities.length === 1);
    await logged(logs, 'Discord refused the request: child "activity" fails');
    expect(logs.some((l) => l.includes('Discord refused the request: child "activity" fails'))).toBe(true);
    expect(c.state.state).toBe('connected');
  });

  it('a slow reply still settles; one slower than the timeout fails that update and keeps the connection', async () => {
    fake.options.replyDelayMs = 150;
    const logs: string[] = [];
    const c = make({ requestTimeoutMs: 100, log: (m) => logs.push(m) });
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    c.setActivity({ details: 'slow' });
    await fake.until(() => fake.activities.length === 1);
    await logged(logs, 'did not answer SET_ACTIVITY within 100 ms');
    expect(logs.some((l) => l.includes('did not answer SET_ACTIVITY within 100 ms'))).toBe(true);
    expect(c.state.state).toBe('connected');
    fake.options.replyDelayMs = 30;
    c.setActivity({ details: 'slow but in time' });
    await c.settled();
    expect(fake.activities.at(-1)).toEqual({ details: 'slow but in time' });
  });

  it('answers PING with PONG, and copes with split and merged frames', async () => {
    fake.options.splitFrames = true;
    fake.options.mergeReadyWithPing = true;
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    await fake.until(() => fake.received.some((r) => r.op === 4));
    fake.ping({ hello: 'split' });
    await fake.until(() => fake.received.some((r) => r.op === 4 && (r.data as { hello?: string }).hello === 'split'));
    c.setActivity({ details: 'via split frames' });
    await c.settled();
    expect(fake.activities).toEqual([{ details: 'via split frames' }]);
  });

  it('a dropped connection rejects pending requests at once, reconnects with a fresh socket and shows the latest state', async () => {
    fake.options.silent = true;
    const c = make({ requestTimeoutMs: 60_000 });
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    c.setActivity({ details: 'old' });
    await fake.until(() => fake.activities.length === 1);
    fake.options.silent = false;
    c.setActivity({ details: 'latest' });
    fake.dropAll();
    // The pending request (60 s timeout) settles now, not in a minute.
    await stateIs(c, (s) => s.state === 'error');
    await stateIs(c, (s) => s.state === 'connected');
    await c.settled();
    expect(fake.handshakes.length).toBe(2);
    expect(fake.activities.at(-1)).toEqual({ details: 'latest' });
  });

  it('a garbage frame closes that connection, and the client comes back', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    const junk = Buffer.alloc(8);
    junk.writeInt32LE(77, 0);
    fake.sendRaw(junk);
    expect((await stateIs(c, (s) => s.state === 'error')).reason).toMatch(/invalid frame/);
    await stateIs(c, (s) => s.state === 'connected');
  });

  it('Discord not running: error with a reason, retried with backoff until it appears', async () => {
    await fake.close();
    const c = make();
    c.start();
    expect((await stateIs(c, (s) => s.state === 'error')).reason).toMatch(/Discord is not running/);
    fake = await FakeDiscord.start(ipc.path(0));
    await stateIs(c, (s) => s.state === 'connected');
  });

  // A stale socket is a file left behind by a crashed Discord; a Windows named pipe goes with its server.
  it.skipIf(WINDOWS)('a stale socket in slot 0 is skipped', async () => {
    await fake.close();
    await makeStaleSocket(join(dir, 'discord-ipc-0')); // the file stays, nobody listens: ECONNREFUSED
    fake = await FakeDiscord.start(join(dir, 'discord-ipc-1'));
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    expect(c.lastAttempts.map((a) => a.outcome)).toEqual(['refused', 'connected']);
  });

  it('stop() clears the activity, then closes', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    c.setActivity({ details: 'working' });
    await c.settled();
    await c.stop(1500);
    expect(fake.activities).toEqual([{ details: 'working' }, null]);
    await fake.until(() => fake.sockets.size === 0);
  });

  it('stop() right after an update (reply not yet read) still clears it', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    c.setActivity({ details: 'in flight' });
    await c.stop(1500);
    expect(fake.activities).toEqual([{ details: 'in flight' }, null]);
  });

  it('stop() is bounded even when Discord never answers', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    c.setActivity({ details: 'x' });
    await c.settled();
    fake.options.silent = true;
    const before = fake.received.length;
    await c.stop(100);
    // The clear was sent even though no reply came; stop() returned anyway.
    expect(fake.received.length).toBe(before + 1);
  });
});

describe('back as soon as Discord’s socket appears (issue 21 §5)', () => {
  // The backoff is forced to 10 minutes: connecting within the test's timeout
  // proves the socket's appearance was seen, not waited out. Before, the
  // backoff grew to 60 s and a reconnect took up to 14.8 s after a 15 s outage.
  const deep = { minBackoffMs: 600_000, maxBackoffMs: 600_000 };
  // These watch the socket folders; Windows named pipes have no folder (the 5 s backoff test covers Windows).
  const watchable = it.skipIf(WINDOWS);

  watchable('deep in backoff, the client connects when the socket appears', { timeout: 10_000 }, async () => {
    await fake.close();
    const c = make(deep);
    c.start();
    await stateIs(c, (s) => s.state === 'error');
    expect(c.watchedFolders).toContain(dir);
    fake = await FakeDiscord.start(join(dir, 'discord-ipc-0'));
    await stateIs(c, (s) => s.state === 'connected');
    expect(fake.handshakes).toHaveLength(1);
    c.setActivity({ details: 'back' });
    await c.settled();
    expect(fake.activities).toEqual([{ details: 'back' }]);
  });

  watchable(
    'a socket that appears during an attempt that has passed it is tried right after',
    { timeout: 10_000 },
    async () => {
      await fake.close();
      // Slot 0 is missing and slot 1 never answers: the attempt waits on slot 1 when slot 0 appears.
      const silent = await HostilePeer.start(join(dir, 'discord-ipc-1'), () => undefined);
      try {
        const c = make({ ...deep, handshakeTimeoutMs: 1000 });
        c.start();
        await silent.until(() => silent.handshakes === 1);
        fake = await FakeDiscord.start(join(dir, 'discord-ipc-0'));
        await stateIs(c, (s) => s.state === 'connected');
        expect(fake.handshakes).toHaveLength(1);
      } finally {
        await silent.close();
      }
    },
  );

  watchable.each([
    ['a runtime folder that does not exist yet', ['later', 'runtime']],
    ['a Flatpak folder made when Discord first starts', ['app', 'com.discordapp.Discord']],
  ])('%s: watched from its nearest existing ancestor', { timeout: 10_000 }, async (_name, [a, b]) => {
    await fake.close();
    const later = a === 'later';
    const runtime = later ? join(dir, a ?? '', b ?? '') : dir;
    const c = make({ ...deep, env: { XDG_RUNTIME_DIR: runtime } });
    c.start();
    await stateIs(c, (s) => s.state === 'error');
    expect(c.watchedFolders).toContain(dir);
    // The folders appear one by one, then Discord's socket in the last.
    await mkdir(join(dir, a ?? ''));
    await mkdir(join(dir, a ?? '', b ?? ''));
    fake = await FakeDiscord.start(join(dir, a ?? '', b ?? '', 'discord-ipc-0'));
    await stateIs(c, (s) => s.state === 'connected');
    expect(c.lastAttempts.at(-1)).toEqual({ path: fake.path, outcome: 'connected' });
  });

  watchable(
    'a socket folder removed and made again (Discord quit, then started) is watched again',
    { timeout: 10_000 },
    async () => {
      await fake.close();
      const flatpak = join(dir, 'app', 'com.discordapp.Discord');
      await mkdir(flatpak, { recursive: true });
      // Only this folder is watched: no watch on a folder above it sees the removal.
      const c = make({ ...deep, paths: [join(flatpak, 'discord-ipc-0')] });
      c.start();
      await stateIs(c, (s) => s.state === 'error');
      expect(c.watchedFolders).toEqual([flatpak]);
      await rm(flatpak, { recursive: true });
      await mkdir(flatpak);
      fake = await FakeDiscord.start(join(flatpak, 'discord-ipc-0'));
      await stateIs(c, (s) => s.state === 'connected');
      expect(c.lastAttempts.at(-1)).toEqual({ path: fake.path, outcome: 'connected' });
    },
  );

  watchable('stop() closes every watcher; start() watches again; with no id nothing is watched', async () => {
    const c = make();
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    expect(c.watchedFolders.length).toBeGreaterThan(0);
    await c.stop(200);
    expect(c.watchedFolders).toEqual([]);
    c.start();
    expect(c.watchedFolders).toContain(dir);
    c.setClientId('');
    expect(c.watchedFolders).toEqual([]);
    c.setClientId(ID);
    expect(c.watchedFolders).toContain(dir);
  });

  it('Windows cannot watch named pipes: the backoff stops at 5 s instead of 60 s', async () => {
    const delays = async (platform: NodeJS.Platform): Promise<number[]> => {
      const clock = new ManualClock();
      const seen: number[] = [];
      const set = clock.setTimeout.bind(clock);
      clock.setTimeout = (fn, ms) => (seen.push(ms), set(fn, ms));
      const c = new PresenceClient({ clientId: ID, platform, paths: [join(dir, 'none')], clock, random: () => 1 });
      c.start();
      // Each step runs the one retry due, whose failure sets the next.
      while (seen.length < 9) {
        await clock.untilTimerPending();
        await clock.advance(seen.at(-1) ?? 0);
      }
      expect(c.watchedFolders).toEqual([]);
      await c.stop(100);
      return seen;
    };
    expect(await delays('win32')).toEqual([0, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000]);
    expect(await delays('linux')).toEqual([0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });
});

describe('rate limit (manual clock, counted at the peer)', () => {
  it('at most 5 updates in any 20.5 s, and the latest state always arrives', async () => {
    // The client is quiet once it has nothing to send, or waits on the clock for the throttle.
    const quiet = (): Promise<void> => Promise.race([c.settled(), clock.untilTimerPending()]);
    const clock = new ManualClock(quiet);
    const c = make({ clock });
    // Each SET_ACTIVITY is stamped with the clock's time as it reaches the peer.
    const arrivals: number[] = [];
    const stamp = (): boolean => {
      while (arrivals.length < fake.activities.length) arrivals.push(clock.now());
      return false;
    };
    void fake.until(stamp);
    c.start();
    await clock.advance(0);
    await stateIs(c, (s) => s.state === 'connected');
    // A new state every 700 ms for a minute: far more than Discord takes.
    for (let i = 1; i <= 86; i += 1) {
      c.setActivity({ details: `update ${i}` });
      await quiet();
      await clock.advance(700);
    }
    while (!isLatest(fake.activities.at(-1), 'update 86')) {
      await clock.advance(100);
      await quiet();
    }
    expect(arrivals.length).toBe(fake.activities.length);
    // Every window of six sends spans at least 20.5 s: 500 ms of margin on Discord's 5 per 20 s.
    for (let i = 0; i + 5 < arrivals.length; i += 1) {
      expect((arrivals[i + 5] ?? 0) - (arrivals[i] ?? 0)).toBeGreaterThanOrEqual(20_500);
    }
    // Throttled, not starved: the first five at once, the sixth as soon as the window allows.
    expect(arrivals.slice(0, 6)).toEqual([0, 700, 1400, 2100, 2800, 20_500]);
    expect(fake.activities.length).toBeLessThan(86);
    // Superseded states were dropped, never queued: each send carried the newest state of its moment.
    const sixth = fake.activities[5] as { details: string };
    expect(sixth.details).toBe(`update ${Math.floor(20_500 / 700) + 1}`);
  });
});

function isLatest(a: unknown, details: string): boolean {
  return (a as { details?: string } | null)?.details === details;
}
