import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectStyle, editJson } from '../../src/config/jsonEdit.js';
import { serializeConfig } from '../../src/config/serialize.js';
import type { Settings } from '../../src/contract/index.js';
import { normalizeFile } from '../../src/settings/fromFile.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { PROPERTY_SEED } from '../support/property.js';
import { DEFAULT_IMAGES } from '../../src/settings/images.js';

type Obj = Record<string, unknown>;

/** What `run` or `config migrate` would write for this text. */
function repaired(text: string): string {
  const raw = JSON.parse(text) as Obj;
  return serializeConfig({ text, raw }, normalizeFile(raw).settings);
}

// Issue 21 §6: "Unknown numbers in the config are rewritten on write (12345678901234567890 → …567000,
// 1.0 → 1, 1e400 → null): keep the original text of values we do not own."
describe('a write keeps the text of what it does not own', () => {
  // A file as this app writes it: every owned key, after `theirs` (keys of someone else's) when there are any.
  const complete = (over: Partial<Settings>, theirs: Obj = {}) =>
    serializeConfig(Object.keys(theirs).length === 0 ? null : { text: JSON.stringify(theirs, null, 2), raw: theirs }, {
      ...defaultSettings(),
      ...over,
    });

  it('numbers JSON.parse cannot hold come back as they were written, at any depth', () => {
    const text = `{
  "presence_schema_version": 7,
  "idle": { "after_minutes": -4, "mine": 1.50 },
  "big": 12345678901234567890,
  "one": 1.0,
  "huge": 1e400,
  "negative_zero": -0,
  "pricing": { "overrides": { "gpt-5.5": { "input_per_million": 1.250, "output_per_million": 1E+1 } } }
}
`;
    const out = repaired(text);
    for (const kept of [
      '"big": 12345678901234567890,',
      '"one": 1.0,',
      '"huge": 1e400,',
      '"negative_zero": -0,',
      '"mine": 1.50',
      '"pricing": { "overrides": { "gpt-5.5": { "input_per_million": 1.250, "output_per_million": 1E+1 } } }',
    ]) {
      expect(out).toContain(kept);
    }
    expect((JSON.parse(out) as { idle: Obj }).idle.after_minutes).toBe(10);
  });

  it('a complete file with one bad value changes in that value only, byte for byte', () => {
    const good = complete({ discordClientId: '112233445566778899' }, { my_note: 'kept' });
    const bad = good.replace('"after_minutes": 10', '"after_minutes": "soon"');
    expect(bad).not.toBe(good);
    expect(repaired(bad)).toBe(good);
  });

  it('an owned value written differently but meaning the same is not rewritten', () => {
    const text = complete({})
      .replace('"stale_minutes": 30', '"stale_minutes": 30.0')
      .replace('"display": {', '"display": {"invalid_extra": [1.0],');
    const raw = JSON.parse(text) as Obj;
    const { settings: config } = normalizeFile(raw);
    expect(serializeConfig({ text, raw }, config)).toBe(text);
  });

  it('keeps the indentation (tabs, four spaces) and line ending (CRLF) of the file for what it inserts', () => {
    const text =
      '{\r\n\t"schema_version": 2,\r\n\t"discord_client_id": "112233445566778899",\r\n\t"privacy": {\r\n\t\t"enabled": false\r\n\t}\r\n}\r\n';
    const out = repaired(text);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(out).toContain(`\r\n\t"display": {\r\n\t\t"large_image_key": "${DEFAULT_IMAGES.large}",`);
    expect(out).toContain('\r\n\t\t"enabled": false,\r\n\t\t"preset": "standard"\r\n\t}');
    expect(out.endsWith('}\r\n')).toBe(true);
    const four = repaired('{\n    "schema_version": 2,\n    "idle": {}\n}\n');
    expect(four).toContain('\n    "idle": {\n        "after_minutes": 10,\n        "behaviour": "show"\n    },');
  });

  it('a file on one line stays on one line', () => {
    const out = repaired('{"schema_version":5,"pricing":{"a":1.0}}');
    expect(out).not.toContain('\n');
    expect(out.startsWith('{"schema_version":5,"pricing":{"a":1.0},"presence_schema_version":7,')).toBe(true);
  });

  it('a list written on one line stays on one line; a section that is not an object is replaced whole', () => {
    const text =
      '{\n  "presence_schema_version": 7,\n  "notifications": { "thresholds": [25, 200], "on_reset": false },\n  "general": 5\n}\n';
    const out = repaired(text);
    expect(out).toContain('"notifications": { "thresholds": [25, 10, 5], "on_reset": false },');
    expect((JSON.parse(out) as Obj).general).toEqual((JSON.parse(complete({})) as Obj).general);
  });

  it('a key written twice: the one in use (the last) is edited, and the result reads as meant', () => {
    const text = '{"presence_schema_version": 7, "idle": {"after_minutes": 5}, "idle": {"after_minutes": -1}}';
    const out = repaired(text);
    expect(normalizeFile(JSON.parse(out)).settings.idle.afterMinutes).toBe(10);
    expect(out).toContain('"idle": {"after_minutes": 5}');
  });
});

describe('editJson', () => {
  const style = (text: string) => detectStyle(text);
  it.each([
    ['{"a": 1, "b": 2, "c": 3}', ['a'], '{"b": 2, "c": 3}'],
    ['{"a": 1, "b": 2, "c": 3}', ['b'], '{"a": 1, "c": 3}'],
    ['{"a": 1, "b": 2, "c": 3}', ['c'], '{"a": 1, "b": 2}'],
    ['{\n  "a": 1,\n  "b": 2\n}', ['b'], '{\n  "a": 1\n}'],
    ['{\n  "a": 1,\n  "b": 2\n}', ['a'], '{\n  "b": 2\n}'],
    ['{"s": {"only": true}, "t": 1}', ['s', 'only'], '{"s": {}, "t": 1}'],
  ])('removing a key: %s without %j is %s', (text, path, out) => {
    expect(editJson(text, [{ path, remove: true }], style(text))).toBe(out);
  });

  it('inserts into an empty object, inline and indented', () => {
    expect(editJson('{"a": {}}', [{ path: ['a', 'k'], value: [1, 2] }], style('{"a": {}}'))).toBe(
      '{"a": {"k": [1, 2]}}',
    );
    const text = '{\n  "a": {}\n}';
    expect(editJson(text, [{ path: ['a', 'k'], value: { x: 1 } }], style(text))).toBe(
      '{\n  "a": {\n    "k": {\n      "x": 1\n    }\n  }\n}',
    );
  });
});

// Any file made of owned and unknown members, in any layout: what is not ours keeps its text; what is ours
// reads back as the repair meant; the line ending is kept.
describe('property: a repair edits only the keys it owns', () => {
  const numberText = fc.constantFrom('12345678901234567890', '1.0', '1e400', '-0', '1E+2', '0.1000', '-1.5e-7', '7');
  const unknownValue = fc.oneof(
    numberText,
    fc.constantFrom('"a\\u00e9\\n"', 'null', 'true', '[1.0, 2.50]', '{"n": 1e400, "s": "x"}', '[]', '{}'),
  );
  const space = fc.constantFrom('', ' ', '\n  ', '\n    ', '\n\t', '  ');
  const colon = fc.constantFrom(':', ': ', ' : ');
  const ownedMember = fc.constantFrom(
    ['discord_client_id', '"112233445566778899"'],
    ['discord_client_id', '"1470480085453770854"'],
    ['discord_client_id', '42'],
    ['presence_schema_version', '7'],
    ['presence_schema_version', '9.0'],
    ['schema_version', '13'],
    ['idle', '{"after_minutes": 10.0, "mine": 1.50}'],
    ['idle', '{"after_minutes": -4}'],
    ['idle', '"soon"'],
    ['notifications', '{"thresholds": [25, 10, 5]}'],
    ['notifications', '{"thresholds": [1.0, 300]}'],
    ['privacy', '{"preset": "Minimal", "show_cost": 1.0}'],
    ['privacy', '{"show_model": null, "show_tokens": true}'],
    ['buttons', '[{"label": "x", "url": "http://insecure"}]'],
    ['general', '5'],
    ['display', '{}'],
  );
  const unknownKeys = ['pricing', 'openai_plan', 'x_note', 'discord_public_key', 'desktop'];

  const file = fc
    .record({
      owned: fc.uniqueArray(ownedMember, { selector: (m) => m[0], maxLength: 8 }),
      unknown: fc.tuple(...unknownKeys.map(() => fc.option(unknownValue, { nil: undefined }))),
      order: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
      space,
      colon,
      crlf: fc.boolean(),
    })
    .map(({ owned, unknown, order, space: ws, colon: c, crlf }) => {
      const kept: string[] = [];
      const members = owned.map(([k, v]) => `"${k}"${c}${v}`);
      unknown.forEach((v, i) => {
        if (v === undefined) return;
        const member = `"${unknownKeys[i] ?? ''}"${c}${v}`;
        kept.push(member);
        members.push(member);
      });
      if (members.length === 0) members.push('"x_note": 1.0');
      // Any order: owned and unknown members mixed.
      const rank = new Map(members.map((m, i) => [m, order[i] ?? 0]));
      members.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
      let text = `{${ws}${members.join(`,${ws}`)}${ws.includes('\n') ? '\n' : ''}}\n`;
      if (crlf) text = text.replace(/\n/g, '\r\n');
      return { text, kept: kept.map((m) => (crlf ? m.replace(/\n/g, '\r\n') : m)), crlf };
    });

  it('keeps every unknown member byte for byte and reads back as the repaired config', () => {
    fc.assert(
      fc.property(file, ({ text, kept, crlf }) => {
        const raw = JSON.parse(text) as Obj;
        const want = normalizeFile(raw).settings;
        const out = serializeConfig({ text, raw }, want);
        for (const member of kept) expect(out).toContain(member);
        const back = normalizeFile(JSON.parse(out));
        expect(back.problems).toEqual([]);
        expect(back.settings).toEqual(want);
        if (crlf) expect(out.replace(/\r\n/g, '')).not.toContain('\n');
        // Writing again changes nothing.
        expect(serializeConfig({ text: out, raw: JSON.parse(out) as Obj }, back.settings)).toBe(out);
      }),
      { seed: PROPERTY_SEED, numRuns: 400 },
    );
  });

  it('never throws on any JSON object, and always writes JSON that reads back as meant', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.constantFrom(0, 2, '\t'), (obj, indent) => {
        const text = JSON.stringify(obj, null, indent);
        const raw = JSON.parse(text) as Obj;
        const want = normalizeFile(raw).settings;
        expect(normalizeFile(JSON.parse(serializeConfig({ text, raw }, want))).settings).toEqual(want);
      }),
      { seed: PROPERTY_SEED, numRuns: 300 },
    );
  });
});
