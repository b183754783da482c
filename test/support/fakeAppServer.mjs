// A small stand-in for `codex app-server` (JSON-RPC 2.0, one object per line
// on stdio), for the error paths the real one cannot be made to take on
// demand. FAKE_MODE picks the behaviour; FAKE_LOG (optional) receives one
// line per event: `pid <n>`, then each method asked. FAKE_ANSWERS names a JSON
// file mapping a method to the raw JSON text of its result (raw, so that
// literals such as 1e400 reach the client as written). FAKE_GRANDCHILD=1 first
// leaves a process in its own session (setsid, as `setsid sleep 300 &` does)
// holding our stdout and stderr open, logged as `grandchild <pid>`: outside our
// process group, and it outlives us. FAKE_GRANDCHILD=bare does the same with
// an empty environment (so without any mark its parent's environment had).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const mode = process.env.FAKE_MODE ?? 'chatgpt';
const log = (line) => process.env.FAKE_LOG && appendFileSync(process.env.FAKE_LOG, `${line}\n`);
log(`pid ${process.pid}`);
const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);
const answers = process.env.FAKE_ANSWERS ? JSON.parse(readFileSync(process.env.FAKE_ANSWERS, 'utf8')) : {};
if (process.env.FAKE_GRANDCHILD === '1' || process.env.FAKE_GRANDCHILD === 'bare') {
  // `detached` is setsid(2); `sleep` is a real binary, not one of ours (tests run us with a PATH of our own).
  const sleep = ['/bin/sleep', '/usr/bin/sleep'].find((p) => existsSync(p)) ?? 'sleep';
  const grandchild = spawn(sleep, ['300'], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    ...(process.env.FAKE_GRANDCHILD === 'bare' ? { env: {} } : {}),
  });
  grandchild.unref();
  log(`grandchild ${grandchild.pid}`);
}
const resetsAt = Number(process.env.FAKE_RESETS_AT ?? Math.floor(Date.now() / 1000) + 3600);
const used = Number(process.env.FAKE_USED ?? 23);

if (mode === 'exit1') {
  process.stderr.write('fatal: something went wrong\n');
  process.exit(1);
}
if (mode === 'stubborn' || mode === 'hang') {
  // Ignores end of input and SIGTERM: only SIGKILL ends it. `hang` also never answers.
  process.on('SIGTERM', () => log('SIGTERM ignored'));
  setInterval(() => undefined, 1000);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.method !== undefined) log(msg.method);
  if (msg.id === undefined) return; // a notification
  // `delay`: the limits take FAKE_DELAY_MS to come, as over a slow network.
  if (mode === 'delay' && msg.method === 'account/rateLimits/read')
    setTimeout(() => answer(msg), Number(process.env.FAKE_DELAY_MS ?? 1000));
  else answer(msg);
});

function answer(msg) {
  if (mode === 'slow' || mode === 'hang') return; // never answers
  if (mode === 'garbage') {
    process.stdout.write('Welcome to codex! <html>not json</html>\n');
    return;
  }
  // Notifications may come at any time; a client must skip them.
  send({ method: 'configWarning', params: { summary: 'a notification to ignore' } });
  if (typeof answers[msg.method] === 'string') {
    process.stdout.write(`{"jsonrpc":"2.0","id":${msg.id},"result":${answers[msg.method]}}\n`);
    return;
  }
  switch (msg.method) {
    case 'initialize':
      send({ id: msg.id, result: { userAgent: 'fake/0.169.0', codexHome: process.env.CODEX_HOME } });
      break;
    case 'account/read':
      if (mode === 'nologin') send({ id: msg.id, result: { account: null, requiresOpenaiAuth: true } });
      else
        send({
          id: msg.id,
          result: {
            account:
              mode === 'apikey' ? { type: 'apikey' } : { type: 'chatgpt', email: 'dev@example.com', planType: 'pro' },
            requiresOpenaiAuth: true,
          },
        });
      break;
    case 'account/rateLimits/read':
      if (mode === 'rpcerror') {
        send({
          id: msg.id,
          error: { code: -32600, message: 'codex account authentication required to read rate limits' },
        });
        break;
      }
      send({
        id: msg.id,
        result: {
          rateLimits: null,
          rateLimitsByLimitId: {
            codex: {
              limitId: 'codex',
              limitName: null,
              primary: { usedPercent: used, windowDurationMins: 300, resetsAt },
              secondary: { usedPercent: 61, windowDurationMins: 10080, resetsAt: resetsAt + 86400 },
              credits: { hasCredits: true, unlimited: false, balance: '17.50' },
              planType: 'pro',
            },
            codex_other: {
              limitId: 'codex_other',
              limitName: 'gpt-5.5-mini',
              primary: { usedPercent: 40, windowDurationMins: 300, resetsAt },
              secondary: null,
              credits: null,
              planType: 'pro',
            },
          },
        },
      });
      break;
    default:
      send({ id: msg.id, error: { code: -32601, message: 'method not found' } });
  }
}
