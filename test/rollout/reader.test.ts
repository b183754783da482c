import { appendFile, rename, truncate, writeFile, unlink } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolloutReader } from '../../src/rollout/reader.js';
import type { RolloutEvent } from '../../src/rollout/types.js';
import { UsageEngine } from '../../src/usage/engine.js';
import { line, readSample, SAMPLES, shown, TempCodexHome } from '../support/codexHome.js';

const T = (s: number): string => new Date(Date.parse('2026-03-01T12:00:00Z') + s * 1000).toISOString();
const NOW = Date.parse('2026-03-01T12:05:00Z');

let home: TempCodexHome;
let file: string;
beforeEach(async () => {
  home = await TempCodexHome.create();
  file = home.rolloutPath('2026-03-01', 'r');
  await home.writeRollout(file, '');
});
afterEach(async () => {
  await home.remove();
});

/** A small rollout with lines longer than the 2 KB head, multi-byte UTF-8 and every parsed kind. */
function tricky(): string {
  return (
    [
      line.meta(T(0), { instructions: 'é'.repeat(1100) }), // > 2 KB, split inside multi-byte chars
      line.turnContext(T(1), 'gpt-5.5', 'high'),
      line.taskStarted(T(2)),
      line.responseItem(T(3), { type: 'function_call', name: 'shell', arguments: '🙂'.repeat(530) }),
      line.tokenCount(T(4), 1200, 1200, { limit_id: 'codex', primary: { used_percent: 7, window_minutes: 300 } }),
      line.responseItem(T(5), { type: 'message', role: 'assistant', content: 'x'.repeat(2100) }),
      line.tokenCount(T(6), 2000, 800),
      line.taskComplete(T(7)),
    ].join('\n') + '\n'
  );
}

async function collect(reader: RolloutReader): Promise<RolloutEvent[]> {
  const events: RolloutEvent[] = [];
  for await (const e of reader.tail(() => events.splice(0))) events.push(e);
  return events;
}

async function finalSnapshot(): Promise<unknown> {
  const engine = new UsageEngine({ codexHome: home.home, now: () => NOW });
  await engine.coldStart();
  const snap = engine.snapshot();
  return { sessions: snap.sessions.map((s) => ({ ...s, lastActivityAt: null })), limits: snap.limits };
}

describe('incremental reading', () => {
  it('a file split at every offset gives the same events as reading it whole', async () => {
    const content = Buffer.from(tricky());
    await writeFile(file, content);
    const whole = await collect(new RolloutReader(file));
    expect(whole.map((e) => e.kind)).toEqual([
      'meta',
      'turnContext',
      'turnStarted',
      'activity',
      'tokenCount',
      'activity',
      'tokenCount',
      'turnEnded',
    ]);
    for (let cut = 0; cut <= content.length; cut += 1) {
      await writeFile(file, content.subarray(0, cut));
      const reader = new RolloutReader(file);
      const events = await collect(reader);
      await appendFile(file, content.subarray(cut));
      events.push(...(await collect(reader)));
      if (JSON.stringify(events) !== JSON.stringify(whole)) {
        expect.fail(`split at byte ${cut} changed the events`);
      }
      expect(reader.stats.malformedLines + reader.stats.invalidUtf8Lines).toBe(0);
    }
    // Thousands of real writes and reads: on a loaded 2-core runner this can pass 30 s.
  }, 180_000);

  it('a file fed one byte at a time gives the same final snapshot', async () => {
    const content = Buffer.from(tricky());
    await writeFile(file, content);
    const expected = await finalSnapshot();
    await writeFile(file, '');
    const reader = new RolloutReader(file);
    const events: RolloutEvent[] = [];
    for (let i = 0; i < content.length; i += 1) {
      await appendFile(file, content.subarray(i, i + 1));
      for await (const e of reader.tail()) events.push(e);
      // Only complete lines are handed on.
      const complete =
        content
          .subarray(0, i + 1)
          .toString('latin1')
          .split('\n').length - 1;
      expect(events.length).toBeLessThanOrEqual(complete);
    }
    expect(events.map((e) => e.kind)).toHaveLength(8);
    expect(await finalSnapshot()).toEqual(expected);
  });

  it('the real sample read in uneven appends matches a single read', async () => {
    const content = Buffer.from(await readSample(SAMPLES.basic));
    await writeFile(file, content);
    const whole = await collect(new RolloutReader(file));
    await writeFile(file, '');
    const reader = new RolloutReader(file);
    const events: RolloutEvent[] = [];
    let seed = 7;
    for (let at = 0; at < content.length;) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const step = 1 + (seed % 3000);
      await appendFile(file, content.subarray(at, at + step));
      at += step;
      events.push(...(await collect(reader)));
    }
    expect(events).toEqual(whole);
  });
});

describe('bad input is skipped and counted, never thrown', () => {
  it('a 5 MB response_item line, garbage lines and invalid UTF-8', async () => {
    const huge = line.responseItem(T(3), { type: 'function_call_output', output: 'A'.repeat(5 * 1024 * 1024) });
    const badUtf8 = Buffer.concat([
      Buffer.from('{"timestamp":"2026-03-01T12:00:05Z","type":"event_msg","payload":{"type":"token_count","x":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}}\n'),
    ]);
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from(`${line.meta(T(0))}\n${line.taskStarted(T(1))}\n${huge}\n`),
        Buffer.from('this is not json at all {"type":"event_msg","payload":{"type":"token_count"\n'),
        Buffer.from(
          '{"timestamp":"2026-03-01T12:00:04Z","type":"event_msg","payload":{"type":"token_count","info":{"total_tok\n',
        ),
        badUtf8,
        Buffer.from(`${line.tokenCount(T(6), 4321, 4321)}\n`),
      ]),
    );
    const reader = new RolloutReader(file);
    const events = await collect(reader);
    expect(reader.stats).toMatchObject({ malformedLines: 2, invalidUtf8Lines: 1, oversizedLines: 0 });
    const last = events.at(-1);
    expect(last?.kind === 'tokenCount' && last.total?.total).toBe(4321);
  });

  it('a parsed line over 16 MB is dropped as oversized and reading goes on', async () => {
    const giant = line.event(T(2), { type: 'token_count', info: null, padding: 'B'.repeat(17 * 1024 * 1024) });
    await writeFile(file, `${line.meta(T(0))}\n${giant}\n${line.tokenCount(T(3), 99, 99)}\n`);
    const reader = new RolloutReader(file);
    const events = await collect(reader);
    expect(reader.stats.oversizedLines).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['meta', 'tokenCount']);
  });

  it('a truncated last line waits; a truncated line in the middle is counted', async () => {
    await writeFile(
      file,
      `${line.meta(T(0))}\n${line.tokenCount(T(1), 10, 10)}\n${line.tokenCount(T(2), 20, 10).slice(0, 60)}`,
    );
    const reader = new RolloutReader(file);
    const first = await collect(reader);
    expect(first.map((e) => e.kind)).toEqual(['meta', 'tokenCount']);
    expect(reader.stats.malformedLines).toBe(0);
    // Codex crashed mid-line and a later run appended whole lines after the fragment.
    await appendFile(file, `\n${line.tokenCount(T(3), 30, 20)}\n`);
    const more = await collect(reader);
    expect(reader.stats.malformedLines).toBe(1);
    expect(more.map((e) => e.kind)).toEqual(['tokenCount']);
  });

  it('one unreadable file never stops the others', async () => {
    await writeFile(file, Buffer.from([0xff, 0x00, 0x0a, 0x7b, 0x0a, 0xc3, 0x28, 0x0a]));
    await home.writeRollout(
      home.rolloutPath('2026-03-01', 'good'),
      `${line.meta(T(0), { id: 'good' })}\n${line.tokenCount(T(1), 55, 55)}\n`,
    );
    const engine = new UsageEngine({ codexHome: home.home, now: () => NOW, sessionStaleMs: 365 * 86400_000 });
    await engine.coldStart();
    const snap = engine.snapshot();
    expect(snap.sessions.find((s) => s.id === 'good')?.tokens.total).toBe(shown(55));
    expect(snap.diagnostics.malformedLines + snap.diagnostics.invalidUtf8Lines).toBeGreaterThan(0);
  });
});

describe('files that change under the reader', () => {
  it('a file that shrinks is re-read from 0 and its state rebuilt', async () => {
    await writeFile(
      file,
      `${line.meta(T(0))}\n${line.tokenCount(T(1), 5000, 5000)}\n${line.tokenCount(T(2), 9000, 4000)}\n`,
    );
    const reader = new RolloutReader(file);
    let resets = 0;
    const events: RolloutEvent[] = [];
    for await (const e of reader.tail(() => (resets += 1))) events.push(e);
    await truncate(file, 0);
    await writeFile(file, `${line.meta(T(0))}\n${line.tokenCount(T(3), 100, 100)}\n`);
    events.length = 0;
    for await (const e of reader.tail(() => (resets += 1))) events.push(e);
    expect(resets).toBe(1);
    expect(events.map((e) => e.kind)).toEqual(['meta', 'tokenCount']);
  });

  it('a file replaced by another (new inode, same size or larger) is re-read from 0', async () => {
    const a = `${line.meta(T(0))}\n${line.tokenCount(T(1), 5000, 5000)}\n`;
    await writeFile(file, a);
    const reader = new RolloutReader(file);
    await collect(reader);
    const other = `${file}.new`;
    await writeFile(
      other,
      `${line.meta(T(0), { id: 'rotated' })}\n${line.tokenCount(T(1), 7777, 7777)}\n${line.taskComplete(T(2))}\n`,
    );
    await rename(other, file);
    let reset = false;
    const events: RolloutEvent[] = [];
    for await (const e of reader.tail(() => (reset = true))) events.push(e);
    expect(reset).toBe(true);
    expect(events[0]?.kind === 'meta' && events[0].id).toBe('rotated');
  });

  it('a deleted file reports missing', async () => {
    const reader = new RolloutReader(file);
    await unlink(file);
    expect(await reader.tail().finish()).toEqual({ kind: 'missing' });
  });
});

describe('large files at cold start', () => {
  it('reading only the tail of a large file gives the same tokens, model and limits', async () => {
    // The real sample with 9 MB of tool output early in the first turn: past the 8 MB whole-read limit.
    const lines = (await readSample(SAMPLES.basic)).trimEnd().split('\n');
    const filler = [1, 2, 3].map(() =>
      line.responseItem('2026-11-21T22:41:13.950Z', {
        type: 'function_call_output',
        output: 'Z'.repeat(3 * 1024 * 1024),
      }),
    );
    await home.writeRollout(file, [...lines.slice(0, 3), ...filler, ...lines.slice(3)].join('\n') + '\n');
    const now = () => Date.parse('2026-11-21T22:45:00Z');
    const full = new UsageEngine({ codexHome: home.home, now, fullReadBytes: 64 * 1024 * 1024 });
    await full.coldStart();
    const tailFirst = new UsageEngine({ codexHome: home.home, now });
    await tailFirst.coldStart();
    const a = full.snapshot();
    const b = tailFirst.snapshot();
    expect(a.sessions[0]).toMatchObject({ partial: false, turns: 2 });
    expect(b.sessions[0]?.tokens).toEqual(a.sessions[0]?.tokens);
    expect(b.sessions[0]?.context).toEqual(a.sessions[0]?.context);
    expect(b.sessions[0]).toMatchObject({
      model: 'gpt-5.5',
      cliVersion: '0.169.0',
      startedAt: a.sessions[0]?.startedAt,
      partial: true,
    });
    expect(b.limits.primary?.remainingPercent).toBe(a.limits.primary?.remainingPercent);
    expect(a.diagnostics.bytesRead).toBeGreaterThan(9 * 1024 * 1024);
    expect(b.diagnostics.bytesRead).toBeLessThan(256 * 1024);
  });

  it('a large fork read from its end still leaves out what it inherited (its first usage line is found)', async () => {
    const u = (input: number, cached: number, output: number) => ({
      input_tokens: input,
      cached_input_tokens: cached,
      output_tokens: output,
      reasoning_output_tokens: 0,
      total_tokens: input + output,
    });
    const add = (a: ReturnType<typeof u>, b: ReturnType<typeof u>) =>
      u(
        a.input_tokens + b.input_tokens,
        a.cached_input_tokens + b.cached_input_tokens,
        a.output_tokens + b.output_tokens,
      );
    const tc = (at: string, total: ReturnType<typeof u>, last: ReturnType<typeof u>) =>
      line.event(at, { type: 'token_count', info: { total_token_usage: total, last_token_usage: last } });
    const parent = u(32_400, 14_400, 600);
    const [own1, own2, own3] = [u(5000, 1000, 150), u(6000, 4000, 200), u(7000, 6500, 90)] as const;
    const t1 = add(parent, own1);
    const t2 = add(t1, own2);
    const t3 = add(t2, own3);
    // 9 MB of tool output after the fork's first request: past the 8 MB whole-read limit.
    const filler = [1, 2, 3].map(() =>
      line.responseItem(T(3), { type: 'function_call_output', output: 'Z'.repeat(3 * 1024 * 1024) }),
    );
    await home.writeRollout(
      file,
      [
        line.meta(T(0), { id: 'fork', forked_from_id: 'parent' }),
        line.turnContext(T(1), 'gpt-5.5'),
        line.taskStarted(T(1)),
        tc(T(2), t1, own1),
        line.taskComplete(T(2)),
        ...filler,
        line.taskStarted(T(4)),
        line.turnContext(T(4), 'gpt-5.5'),
        tc(T(5), t2, own2),
        tc(T(6), t3, own3),
        line.taskComplete(T(7)),
      ].join('\n') + '\n',
    );
    const now = () => NOW;
    const full = new UsageEngine({ codexHome: home.home, now, fullReadBytes: 64 * 1024 * 1024 });
    await full.coldStart();
    const tailFirst = new UsageEngine({ codexHome: home.home, now });
    await tailFirst.coldStart();
    const a = full.snapshot().sessions[0];
    const b = tailFirst.snapshot().sessions[0];
    expect(a).toMatchObject({ partial: false, forkedFrom: 'parent' });
    expect(b).toMatchObject({ partial: true, forkedFrom: 'parent' });
    // Codex's figure of the fork's own three requests: (4000 + 150) + (2000 + 200) + (500 + 90).
    expect(a?.tokens.own).toBe(6940);
    // Its total is Codex's figure of the file's running total, the parent's 18600 included.
    expect(a?.tokens.total).toBe(18_600 + 6940);
    expect(b?.tokens).toEqual({ ...a?.tokens });
  });

  it('after a tail-first read, appends continue from the end without re-reading', async () => {
    const content = await readSample(SAMPLES.basic);
    await home.writeRollout(file, content);
    const engine = new UsageEngine({
      codexHome: home.home,
      now: () => Date.parse('2026-11-21T22:45:00Z'),
      fullReadBytes: 1024,
    });
    await engine.coldStart();
    await appendFile(
      file,
      `${line.event('2026-11-21T22:44:00Z', { type: 'task_started', model_context_window: 258400 })}\n`,
    );
    await appendFile(file, `${line.tokenCount('2026-11-21T22:44:01Z', 30_100, 1000)}\n`);
    await engine.update(file);
    const s = engine.snapshot().sessions[0];
    // Codex's figure of the sample's last total is (28 500 − 10 200) + 600 = 18 900; the appended line's is shown(30 100).
    expect(s?.tokens).toMatchObject({ total: shown(30_100), delta: shown(30_100) - 18_900, last: shown(1000) });
    expect(s?.status).toBe('working');
  });
});
