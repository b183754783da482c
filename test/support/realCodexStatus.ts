// Runs `status --json` against the real codex binary (CODEX_BIN), logged in
// to a fake ChatGPT account whose backend is a local HTTPS mock, with no
// rollout at all. Prints {status, usage, requests} as JSON. Run it through
// `runScript` (test/support/realCodex.ts), isolated where the kernel allows
// it, so nothing can leave the machine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChatgptBackend, writeFakeLogin } from './chatgptBackend.js';
import { runCli } from './cli.js';

const now = Math.floor(Date.now() / 1000);
const usage = {
  plan_type: 'pro',
  rate_limit: {
    allowed: true,
    limit_reached: false,
    primary_window: { used_percent: 37, limit_window_seconds: 18000, reset_after_seconds: 4000, reset_at: now + 4000 },
    secondary_window: {
      used_percent: 64,
      limit_window_seconds: 604800,
      reset_after_seconds: 200000,
      reset_at: now + 200000,
    },
  },
  credits: { has_credits: true, unlimited: false, balance: '17.50' },
  additional_rate_limits: [
    {
      limit_name: 'gpt-5.5-mini',
      metered_feature: 'codex_other',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: {
          used_percent: 12,
          limit_window_seconds: 18000,
          reset_after_seconds: 900,
          reset_at: now + 900,
        },
        secondary_window: null,
      },
    },
  ],
};

const backend = await startChatgptBackend(usage);
const home = await mkdtemp(join(tmpdir(), 'cdp-real-codex-'));
try {
  await writeFakeLogin(home, backend.port, 'pro');
  const ca = join(home, 'test-ca.pem');
  await writeFile(ca, backend.caPem);
  const run = await runCli(['status', '--json'], {
    CODEX_HOME: home,
    CODEX_BIN: process.env.CODEX_BIN,
    CODEX_CA_CERTIFICATE: ca,
    // Older builds (0.100) do not read CODEX_CA_CERTIFICATE; they trust the roots in SSL_CERT_FILE.
    SSL_CERT_FILE: ca,
  });
  process.stdout.write(
    JSON.stringify({ code: run.code, status: JSON.parse(run.stdout) as unknown, usage, requests: backend.requests }),
  );
} finally {
  await backend.close();
  await rm(home, { recursive: true, force: true });
}
