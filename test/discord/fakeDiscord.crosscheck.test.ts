import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@xhayper/discord-rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testIpc } from '../support/discordIpc.js';
import { FakeDiscord } from '../support/fakeDiscord.js';

// Is the test server faithful? A published, independent client library
// (@xhayper/discord-rpc) must be able to log in, set and clear an activity
// against it, and what it sends must match what our client sends.
let dir: string;
let fake: FakeDiscord;
const savedEnv = { ...process.env };
/** The library's own path rule, pointed at the test's endpoints only (never a real Discord's). */
const pathList = () => [{ platform: [process.platform], format: (n: number) => testIpc(dir).path(n) }];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-xcheck-'));
  fake = await FakeDiscord.start(testIpc(dir).path(0));
  // The library reads the temp folder from the environment when it connects (pathList overrides it too).
  process.env.XDG_RUNTIME_DIR = dir;
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FakeDiscord against @xhayper/discord-rpc', () => {
  it('the library logs in, sets and clears an activity, and its frames match our expectations', async () => {
    const client = new Client({ clientId: '123456789012345678', transport: { type: 'ipc', pathList: pathList() } });
    await client.connect();
    expect(client.isConnected).toBe(true);
    expect(fake.handshakes[0]?.data).toEqual({ v: 1, client_id: '123456789012345678' });

    const reply = await client.user?.setActivity({
      details: 'from the library',
      state: 'ok',
      startTimestamp: 1_700_000_000_000,
    });
    expect(reply).toBeDefined();
    await client.user?.clearActivity();
    const acts = fake.activities as Array<Record<string, unknown> | null>;
    expect(acts).toHaveLength(2);
    expect(acts[0]).toMatchObject({
      details: 'from the library',
      state: 'ok',
      timestamps: { start: 1_700_000_000_000 },
    });
    expect(acts[1]).toBeNull();
    // Same envelope as ours: {cmd, args: {pid, activity?}, nonce}.
    const set = fake.received.find((r) => r.data.cmd === 'SET_ACTIVITY');
    expect(set?.data).toMatchObject({ args: { pid: expect.any(Number) }, nonce: expect.any(String) });
    await client.destroy();
  });

  it('the library sees an ERROR reply as a rejection, as Discord’s would be', async () => {
    fake.options.errorOnSetActivity = { code: 4000, message: 'child "activity" fails' };
    const client = new Client({ clientId: '123456789012345678', transport: { type: 'ipc', pathList: pathList() } });
    await client.connect();
    await expect(client.user?.setActivity({ details: 'x' })).rejects.toThrow(/activity/);
    await client.destroy();
  });

  it('the library sees a CLOSE 4000 at handshake as a failed login', async () => {
    fake.options.closeOnHandshake = { code: 4000, message: 'Invalid Client ID' };
    const client = new Client({ clientId: '123456789012345678', transport: { type: 'ipc', pathList: pathList() } });
    await expect(client.connect()).rejects.toThrow();
    await client.destroy().catch(() => undefined);
  });
});
