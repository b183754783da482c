import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the model backend the real codex streams from (the
 * OpenAI Responses API, `POST {base_url}/responses`, server-sent events), so
 * `codex exec` runs real turns offline with figures the test chooses. Each
 * request takes the next usage from the queue and answers with one assistant
 * message; with the queue empty it answers 400, so an unplanned request fails
 * the run instead of inventing figures (the terminal's thread-title request,
 * which no rollout records, is answered apart). Codex accepts plain http for a custom
 * `model_providers` entry (config below).
 */
export interface MockUsage {
  input: number;
  cached: number;
  output: number;
  reasoning?: number;
}

/** What the main limit family's `x-codex-*` headers say (SCHEMA.md §5); omitted: no limit headers. */
export interface MockLimits {
  primaryUsedPercent: number;
  secondaryUsedPercent: number;
  /** Epoch seconds. */
  primaryResetAt: number;
  secondaryResetAt: number;
}

/** Limits used as given, resetting in about 2.5 hours (5h window) and 4 days (weekly). */
export function limitsNow(primaryUsedPercent: number, secondaryUsedPercent: number): MockLimits {
  const now = Math.floor(Date.now() / 1000);
  return { primaryUsedPercent, secondaryUsedPercent, primaryResetAt: now + 9000, secondaryResetAt: now + 350_000 };
}

export interface ResponsesMock {
  /** The provider's `base_url` (codex appends `/responses`). */
  baseUrl: string;
  /** Adds usages for the next requests, in order. */
  queue(usages: readonly MockUsage[]): void;
  /** Usages not taken yet. */
  pending(): number;
  /** Requests answered, refused for want of a queued usage, and thread-title side requests answered. */
  served(): { answered: number; refused: number; titles: number };
  close(): Promise<void>;
}

export async function startResponsesMock(limits: MockLimits | null = null): Promise<ResponsesMock> {
  const queue: MockUsage[] = [];
  let answered = 0;
  let refused = 0;
  let titles = 0;
  const server: Server = createServer((req, res) => {
    // Answer once the whole request is in (codex may send it compressed; its body is not needed).
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method !== 'POST' || !path.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found"}}');
        return;
      }
      // The terminal names a new thread in a side request of its own that no rollout records.
      if (threadSource(req.headers['x-codex-turn-metadata']) === 'thread_title') {
        titles += 1;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(events(`title_${titles}`, 'Mock thread', { input: 0, cached: 0, output: 0 }));
        return;
      }
      const usage = queue.shift();
      if (usage === undefined) {
        refused += 1;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":{"type":"invalid_request_error","message":"responses mock: no usage queued"}}');
        return;
      }
      answered += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream', ...limitHeaders(limits) });
      res.end(events(String(answered), `Mock reply #${answered}.`, usage));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    queue: (usages) => void queue.push(...usages),
    pending: () => queue.length,
    served: () => ({ answered, refused, titles }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `config.toml` lines that make codex use the mock (an API-key style provider; the key is the env var's name). */
export function mockProviderConfig(baseUrl: string, model = 'gpt-5.5'): string {
  return [
    `model = "${model}"`,
    'model_provider = "mock"',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${baseUrl}"`,
    `env_key = "${MOCK_KEY_ENV}"`,
    'wire_api = "responses"',
    '',
  ].join('\n');
}

/** The env var the provider reads its key from; any value will do. */
export const MOCK_KEY_ENV = 'CDP_MOCK_API_KEY';

function threadSource(metadata: string | string[] | undefined): string | null {
  if (typeof metadata !== 'string') return null;
  try {
    const v = JSON.parse(metadata) as { thread_source?: unknown };
    return typeof v.thread_source === 'string' ? v.thread_source : null;
  } catch {
    return null;
  }
}

/** The SSE stream of one response: created, one assistant message, completed with `usage`. */
function events(n: string, text: string, u: MockUsage): string {
  const id = `resp_mock_${n}`;
  const sse = (type: string, data: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    sse('response.created', { response: { id } }),
    sse('response.output_item.done', {
      item: {
        type: 'message',
        role: 'assistant',
        id: `msg_mock_${n}`,
        content: [{ type: 'output_text', text }],
      },
    }),
    sse('response.completed', {
      response: {
        id,
        usage: {
          input_tokens: u.input,
          input_tokens_details: { cached_tokens: u.cached },
          output_tokens: u.output,
          output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
          total_tokens: u.input + u.output,
        },
      },
    }),
  ].join('');
}

function limitHeaders(limits: MockLimits | null): Record<string, string> {
  if (limits === null) return {};
  return {
    'x-codex-primary-used-percent': String(limits.primaryUsedPercent),
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-at': String(limits.primaryResetAt),
    'x-codex-secondary-used-percent': String(limits.secondaryUsedPercent),
    'x-codex-secondary-window-minutes': '10080',
    'x-codex-secondary-reset-at': String(limits.secondaryResetAt),
  };
}
