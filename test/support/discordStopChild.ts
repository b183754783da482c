// Run with `node --import tsx`: a process that publishes through PresenceClient
// to the one socket it is given, and stops when a line arrives on stdin. It
// prints its states, then, after stop(), which timers still keep it alive.
import { PresenceClient } from '../../src/discord/client.js';

const say = (msg: unknown): void => void process.stdout.write(`${JSON.stringify(msg)}\n`);
const path = process.argv[2] ?? '';
const client = new PresenceClient({
  clientId: '123456789012345678',
  paths: [path],
  // Far longer than the test waits for this process to exit: a timer left behind is seen.
  handshakeTimeoutMs: 120_000,
  requestTimeoutMs: 120_000,
  minBackoffMs: 120_000,
});
client.onState((s) => {
  say({ state: s.state, reason: s.reason });
  if (s.state === 'connected') client.setActivity({ details: 'working' });
});
client.start();
say({ started: true });
// The socket-folder watchers (fs.watch handles) keep the process alive until stop() closes them.
const watchers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
process.stdin.once('data', () => {
  process.stdin.destroy();
  say({ stopping: true, watching: client.watchedFolders.length, watchers: watchers() });
  void client.stop(300).then(() => {
    say({ stopped: true, timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout') });
  });
});
