import { chownSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PresenceClient, type DiscordClientState } from '../../src/discord/client.js';
import { IpcConnection } from '../../src/discord/connection.js';
import { DiscordError } from '../../src/discord/errors.js';
import { MAX_UNSENT_BYTES, Outbox } from '../../src/discord/outbox.js';
import { testEndpoint, testIpc } from '../support/discordIpc.js';
import { FakeDiscord, frame } from '../support/fakeDiscord.js';
import { floodPings, HostilePeer, READY } from '../support/hostilePeer.js';
import { ManualClock } from '../support/manualClock.js';

// Our client against peers that misbehave on purpose, on real Unix sockets (issue 11 §5), named pipes on Windows.
const ID = '123456789012345678';
const isRoot = process.getuid?.() === 0;
// Socket owners and symlinks are Unix things: Windows named pipes have neither (the client checks none).
const unixOnly = it.skipIf(process.platform === 'win32');
/**
 * What a flooding peer gets out before the client stops reading: the socket
 * buffers on both sides plus the bounded PONG queue. Without backpressure the
 * client reads the flood as fast as it comes and this grows without end.
 */
const FLOOD_BOUND = 2 * MAX_UNSENT_BYTES;
let dir: string;
const cleanup: Array<() => Promise<void>> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-hostile-'));
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  await rm(dir, { recursive: true, force: true });
});

async function peer(name: string, behave: (socket: Socket) => void): Promise<HostilePeer> {
  const p = await HostilePeer.start(testEndpoint(dir, name), behave);
  cleanup.push(() => p.close());
  return p;
}

async function fake(name: string): Promise<FakeDiscord> {
  const f = await FakeDiscord.start(testEndpoint(dir, name));
  cleanup.push(() => f.close());
  return f;
}

function client(extra: Partial<ConstructorParameters<typeof PresenceClient>[0]> = {}): PresenceClient {
  const c = new PresenceClient({
    clientId: ID,
    env: testIpc(dir).env,
    minBackoffMs: 20,
    maxBackoffMs: 80,
    ...extra,
  });
  cleanup.push(() => c.stop(200));
  return c;
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

describe('a peer that floods PINGs and never reads', () => {
  it('is dropped, and what waits unsent for it stays bounded', async () => {
    const flood = { sent: 0 };
    const p = await peer('discord-ipc-0', (s) => floodPings(s, flood));
    let closed: (e: DiscordError) => void = () => undefined;
    const closedWith = new Promise<DiscordError>((r) => (closed = r));
    const connection = await IpcConnection.open([p.path], ID, {
      handshakeTimeoutMs: 10_000,
      stallTimeoutMs: 300,
      onClose: (e) => closed(e),
    });
    cleanup.push(async () => connection.close());
    expect((await closedWith).message).toMatch(
      /^Discord is not reading from the socket \(\d+ bytes unsent for 300 ms\)/,
    );
    expect(connection.isOpen).toBe(false);
    // What the client let wait unsent for the peer: PONGs, bounded.
    expect(connection.peakUnsentBytes).toBeGreaterThan(0);
    expect(connection.peakUnsentBytes).toBeLessThanOrEqual(MAX_UNSENT_BYTES);
    // The client read only what it could answer: the rest of the flood waited in the peer's buffers, not ours.
    await p.until(() => p.sockets.size === 0);
    expect(flood.sent).toBeLessThan(FLOOD_BOUND);
  });

  it('the client reports why, logs it and reconnects with a fresh socket', async () => {
    const floods: Array<{ sent: number }> = [];
    const p = await peer('discord-ipc-0', (s) => {
      const flood = { sent: 0 };
      floods.push(flood);
      floodPings(s, flood);
    });
    const logs: string[] = [];
    const dropped = 'Discord connection closed: Discord is not reading from the socket';
    let drops = 0;
    let twice: () => void = () => undefined;
    const droppedTwice = new Promise<void>((r) => (twice = r));
    const c = client({
      stallTimeoutMs: 200,
      log: (m) => {
        logs.push(m);
        if (m.startsWith(dropped) && ++drops === 2) twice();
      },
    });
    c.start();
    await stateIs(c, (s) => s.state === 'connected');
    expect((await stateIs(c, (s) => s.state === 'error')).reason).toMatch(/not reading from the socket/);
    // It comes back with a fresh socket, and is dropped again for the same reason.
    await droppedTwice;
    expect(p.connections).toBeGreaterThanOrEqual(2);
    await c.stop(200);
    await p.until(() => p.sockets.size === 0);
    for (const f of floods) expect(f.sent).toBeLessThan(FLOOD_BOUND);
  });

  it('a write that would pass the bound is refused and the peer called stuck', async () => {
    // A listener that accepts and never reads, so every byte we write stays unsent.
    const accepted: Socket[] = [];
    const server = createServer((s) => {
      s.pause();
      accepted.push(s);
    });
    const path = testEndpoint(dir, 'sink');
    await new Promise<void>((r) => server.listen(path, r));
    cleanup.push(async () => {
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const socket = createConnection(path);
    cleanup.push(async () => void socket.destroy());
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const stuck: string[] = [];
    const cap = 256 * 1024;
    const outbox = new Outbox(socket, (d) => stuck.push(d), 60_000, cap);
    cleanup.push(async () => outbox.dispose());
    const chunk = Buffer.alloc(16 * 1024, 1);
    let written = 0;
    // The kernel buffer takes some; then Node's queue grows until the bound refuses.
    for (let i = 0; i < 10_000 && outbox.write(chunk); i += 1) written += 1;
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatch(/not reading from the socket \(\d+ bytes unsent\)/);
    expect(written).toBeLessThan(10_000);
    expect(socket.writableLength).toBeLessThanOrEqual(cap);
    expect(outbox.peakUnsentBytes).toBeLessThanOrEqual(cap);
    expect(socket.isPaused()).toBe(true); // reading stopped with the first backed-up write
  });
});

describe('only sockets of this user are trusted', () => {
  it.skipIf(!isRoot)('a socket owned by another uid is skipped and the reason given (chown as root)', async () => {
    const foreign = await fake('discord-ipc-0');
    chownSync(foreign.path, 65534, 65534);
    const logs: string[] = [];
    const c = client({ log: (m) => logs.push(m) });
    c.start();
    const s = await stateIs(c, (x) => x.state === 'error');
    expect(s.reason).toMatch(
      /^Discord is not running for this user: skipped .*discord-ipc-0, owned by uid 65534, not by this user \(uid 0\)$/,
    );
    expect(logs).toContain(`skipped ${foreign.path}: untrusted (owned by uid 65534, not by this user (uid 0))`);
    // Never even connected to: the foreign listener saw nothing.
    expect(foreign.received).toHaveLength(0);
    expect(foreign.sockets.size).toBe(0);
    // The user's own Discord in the next slot is used.
    const own = await fake('discord-ipc-1');
    await stateIs(c, (x) => x.state === 'connected');
    expect(c.lastAttempts.map((a) => a.outcome)).toEqual(['untrusted', 'connected']);
    expect(own.handshakes).toHaveLength(1);
    expect(foreign.received).toHaveLength(0);
  });

  unixOnly('any user: a socket whose owner is not the expected uid is never connected to', async () => {
    const uid = process.getuid?.() ?? 0;
    const f = await fake('discord-ipc-0');
    const c = client({ ownerUid: uid + 1 });
    c.start();
    const s = await stateIs(c, (x) => x.state === 'error');
    expect(s.reason).toContain(`owned by uid ${uid}, not by this user (uid ${uid + 1})`);
    expect(f.received).toHaveLength(0);
  });

  unixOnly(
    'a symlink to the own socket is followed (the Flatpak workaround); one to a foreign socket is not',
    async () => {
      const own = await fake('real/discord-ipc-0');
      symlinkSync(own.path, join(dir, 'discord-ipc-0'));
      const c = client();
      c.start();
      await stateIs(c, (x) => x.state === 'connected');
      expect(own.handshakes).toHaveLength(1);
      await c.stop(200);
      if (!isRoot) return;
      chownSync(own.path, 65534, 65534);
      const again = client();
      again.start();
      expect((await stateIs(again, (x) => x.state === 'error')).reason).toMatch(
        /a symlink to a socket owned by uid 65534, not by this user/,
      );
      expect(own.handshakes).toHaveLength(1);
    },
  );
});

describe('errors are reported as what they are', () => {
  it('a garbled reply to the handshake is "unexpected reply", logged, not "Discord is not running"', async () => {
    const p = await peer('discord-ipc-0', (s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const logs: string[] = [];
    const c = client({ log: (m) => logs.push(m) });
    c.start();
    const s = await stateIs(c, (x) => x.state === 'error');
    expect(s.reason).toMatch(/^unexpected reply from the Discord socket .*discord-ipc-0 \(unknown opcode \d+\)/);
    expect(s.reason).not.toMatch(/not running/);
    expect(logs).toContain(`skipped ${p.path}: unexpected (unknown opcode ${Buffer.from('HTTP').readInt32LE(0)})`);
  });

  it('a server that echoes our handshake is not Discord either', async () => {
    await peer('discord-ipc-0', (s) => s.write(frame(0, { v: 1, client_id: ID })));
    const c = client();
    c.start();
    expect((await stateIs(c, (x) => x.state === 'error')).reason).toMatch(/unexpected reply.*opcode 0 from the server/);
  });

  it('a silent listener is reported as such', async () => {
    await peer('discord-ipc-0', () => undefined);
    const c = client({ handshakeTimeoutMs: 100 });
    c.start();
    expect((await stateIs(c, (x) => x.state === 'error')).reason).toMatch(
      /accepted the connection but never answered \(no READY within 100 ms\)/,
    );
  });

  it('READY and CLOSE 4000 in one write: "invalid application id", and no retry is scheduled', async () => {
    const p = await peer('discord-ipc-0', (s) =>
      s.end(Buffer.concat([READY, frame(2, { code: 4000, message: 'Invalid Client ID' })])),
    );
    const clock = new ManualClock();
    const c = client({ clock });
    c.start();
    await clock.advance(0); // the first connect is scheduled on the clock
    const s = await stateIs(c, (x) => x.state === 'error');
    expect(s.reason).toMatch(/application id is not valid/);
    expect(s.reason).not.toMatch(/ReferenceError/);
    expect(c.lastAttempts.at(-1)).toMatchObject({ outcome: 'closed' });
    // Retrying cannot help: nothing is waiting on the clock, and a long wait brings no new attempt.
    expect(clock.pending).toBe(0);
    await clock.advance(600_000);
    expect(p.connections).toBe(1);
  });
});
