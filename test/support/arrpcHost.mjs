// Runs arrpc (an independent open-source implementation of Discord's local
// RPC server) in its own process, on the XDG_RUNTIME_DIR it was given, and
// reports every activity it receives as a marked JSON line on stdout.
process.env.ARRPC_NO_PROCESS_SCANNING = '1';
// Windows: arrpc listens on Discord's own pipe names (\\?\pipe\discord-ipc-N). The test's prefix
// (CODEX_PRESENCE_DISCORD_PIPE_PREFIX, as the client honours it: src/discord/ipcPaths.ts) moves
// its listener onto the test's own pipes, so neither a real Discord nor another test is reached.
const prefix = process.env.CODEX_PRESENCE_DISCORD_PIPE_PREFIX;
if (process.platform === 'win32' && prefix) {
  const net = (await import('node:net')).default;
  const { syncBuiltinESMExports } = await import('node:module');
  const move = (path) =>
    typeof path === 'string' ? path.replace(/^\\\\\?\\pipe\\discord-ipc-/, `\\\\?\\pipe\\${prefix}discord-ipc-`) : path;
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (path, ...rest) {
    return listen.call(this, move(path), ...rest);
  };
  // Its check for a free slot connects first: to the test's pipes too, never to a real Discord.
  const connect = net.createConnection;
  net.createConnection = (path, ...rest) => connect(move(path), ...rest);
  syncBuiltinESMExports();
}
const { default: Server } = await import('arrpc/src/server.js');
const server = await new Server();
const say = (msg) => process.stdout.write(`@@${JSON.stringify(msg)}\n`);
server.on('activity', (a) => say({ type: 'activity', activity: a.activity, socketId: a.socketId }));
say({ type: 'ready' });
