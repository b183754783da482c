// Runs arrpc (an independent open-source implementation of Discord's local
// RPC server) in its own process, on the XDG_RUNTIME_DIR it was given, and
// reports every activity it receives as a marked JSON line on stdout.
process.env.ARRPC_NO_PROCESS_SCANNING = '1';
const { default: Server } = await import('arrpc/src/server.js');
const server = await new Server();
const say = (msg) => process.stdout.write(`@@${JSON.stringify(msg)}\n`);
server.on('activity', (a) => say({ type: 'activity', activity: a.activity, socketId: a.socketId }));
say({ type: 'ready' });
