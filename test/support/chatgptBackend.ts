import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * A local HTTPS stand-in for the ChatGPT backend that the real `codex
 * app-server` asks for the account's limits (SCHEMA.md §10). Certificates are
 * made at run time: a throwaway CA (given to codex in CODEX_CA_CERTIFICATE)
 * and a leaf for 127.0.0.1 signed by it. Anything but the two paths codex
 * needs answers 404.
 */
export interface ChatgptBackend {
  port: number;
  caPem: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startChatgptBackend(usage: object): Promise<ChatgptBackend> {
  const notAfterDate = new Date(Date.now() + 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'codex-presence test CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate,
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const requests: string[] = [];
  const server: Server = createServer({ key: leaf.private, cert: leaf.cert }, (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    requests.push(path);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path.endsWith('/wham/accounts/check')) {
      // Workspace routing discovery: the account's backend is this server (an origin, no path).
      const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      send(200, {
        accounts: [
          {
            id: 'acct-test',
            structure: 'personal',
            plan_type: 'plus',
            workspace_backend_origin: origin,
            account_routing_override: 'NO_CONSTRAINT',
          },
        ],
      });
    } else if (req.method === 'GET' && path.endsWith('/wham/usage')) {
      send(200, usage);
    } else {
      send(404, { detail: 'Not Found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    caPem: ca.cert,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An unsigned JWT (codex reads the claims; nobody checks a signature offline). */
function jwt(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

/** A fake ChatGPT login in `home` pointing codex at the mock backend on `port`. */
export async function writeFakeLogin(home: string, port: number, planType = 'plus'): Promise<void> {
  await mkdir(home, { recursive: true });
  const exp = Math.floor(Date.now() / 1000) + 3600 * 24 * 30;
  const auth = {
    chatgpt_plan_type: planType,
    chatgpt_account_id: 'acct-test',
    chatgpt_user_id: 'user-test',
  };
  const idToken = jwt({ email: 'dev@example.com', exp, 'https://api.openai.com/auth': auth });
  const accessToken = jwt({ exp, 'https://api.openai.com/auth': auth });
  await writeFile(
    join(home, 'auth.json'),
    JSON.stringify({
      auth_mode: 'chatgpt',
      OPENAI_API_KEY: null,
      tokens: { id_token: idToken, access_token: accessToken, refresh_token: 'test-refresh', account_id: 'acct-test' },
      last_refresh: new Date().toISOString(),
    }),
  );
  await writeFile(join(home, 'config.toml'), `chatgpt_base_url = "https://127.0.0.1:${port}/backend-api/"\n`);
}
