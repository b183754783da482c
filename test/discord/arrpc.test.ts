import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PresenceClient, type DiscordClientState } from '../../src/discord/client.js';
import { ArrpcHost } from '../support/arrpc.js';
import { testIpc } from '../support/discordIpc.js';
import { FakeDiscord, makeStaleSocket } from '../support/fakeDiscord.js';

// Our client against arrpc, an independent implementation of Discord's local
// RPC server, on a private XDG_RUNTIME_DIR (its own pipes on Windows: test/support/discordIpc.ts).
const ID = '123456789012345678';
let dir: string;
const hosts: ArrpcHost[] = [];
let client: PresenceClient | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-arrpc-'));
});
afterEach(async () => {
  await client?.stop(300);
  client = null;
  for (const h of hosts.splice(0)) await h.kill();
  await rm(dir, { recursive: true, force: true });
});

async function arrpc(runtimeDir = dir): Promise<ArrpcHost> {
  await mkdir(runtimeDir, { recursive: true });
  const h = await ArrpcHost.start(runtimeDir);
  hosts.push(h);
  return h;
}

function connected(c: PresenceClient): Promise<void> {
  if (c.state.state === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const off = c.onState((s: DiscordClientState) => {
      if (s.state === 'connected') {
        off();
        resolve();
      }
    });
  });
}

function startClient(): PresenceClient {
  client = new PresenceClient({ clientId: ID, env: testIpc(dir).env, minBackoffMs: 50, maxBackoffMs: 200 });
  client.start();
  return client;
}

const details = (a: unknown): unknown => (a as { details?: string } | null)?.details ?? null;

describe('PresenceClient against arrpc', () => {
  it('connects, sets, updates and clears', async () => {
    const server = await arrpc();
    const c = startClient();
    await connected(c);
    c.setActivity({ details: 'Thinking · orbit-api', state: '5h 72% left', timestamps: { start: 1_795_300_873_000 } });
    await server.until(() => details(server.shown) === 'Thinking · orbit-api');
    expect(server.shown).toMatchObject({
      application_id: ID,
      state: '5h 72% left',
      timestamps: { start: 1_795_300_873_000 },
    });
    c.setActivity({ details: 'Editing code · orbit-api' });
    await server.until(() => details(server.shown) === 'Editing code · orbit-api');
    c.setActivity(null);
    await server.until(() => server.shown === null);
  });

  it('reconnects after the server restarts mid-run and shows the latest state', async () => {
    const first = await arrpc();
    const c = startClient();
    await connected(c);
    c.setActivity({ details: 'before restart' });
    await first.until(() => details(first.shown) === 'before restart');
    await first.kill();
    c.setActivity({ details: 'set while Discord was gone' });
    c.setActivity({ details: 'latest while gone' });
    const second = await arrpc();
    await second.until(() => details(second.shown) === 'latest while gone');
    // Only the latest state was sent to the new server, never the queue.
    expect(second.activities.map(details)).toEqual(['latest while gone']);
  });

  // Flatpak folders and stale socket files are Unix things: Windows has named pipes only.
  it.skipIf(process.platform === 'win32')('finds a Flatpak Discord under app/com.discordapp.Discord/', async () => {
    const server = await arrpc(join(dir, 'app', 'com.discordapp.Discord'));
    const c = startClient();
    await connected(c);
    c.setActivity({ details: 'via flatpak' });
    await server.until(() => details(server.shown) === 'via flatpak');
    expect(c.lastAttempts.at(-1)?.path).toBe(join(dir, 'app', 'com.discordapp.Discord', 'discord-ipc-0'));
  });

  it.skipIf(process.platform === 'win32')('skips a stale socket in slot 0', async () => {
    // Hold slot 0 so arrpc takes slot 1, then leave slot 0 stale, as a crashed Discord does.
    const holder = await FakeDiscord.start(join(dir, 'discord-ipc-0'));
    const server = await arrpc();
    await holder.close();
    await makeStaleSocket(join(dir, 'discord-ipc-0'));
    const c = startClient();
    await connected(c);
    expect(c.lastAttempts.map((a) => [a.path.slice(dir.length + 1), a.outcome])).toEqual([
      ['discord-ipc-0', 'refused'],
      ['discord-ipc-1', 'connected'],
    ]);
    c.setActivity({ details: 'past the stale socket' });
    await server.until(() => details(server.shown) === 'past the stale socket');
  });
});
