import { describe, expect, it } from 'vitest';
import { parseLines, parseMinutes, parseOptionalPercent, parsePercentList } from '../../renderer/src/settings/parse.js';
import { firstInvalid, locate } from '../../renderer/src/settings/fields.js';

// The settings form keeps text as typed; these turn it into values on blur and Save.
describe('settings text parsing', () => {
  it('percent lists keep every number; junk is an error, never NaN', () => {
    expect(parsePercentList('25, 10, 5, 50')).toEqual({ ok: true, value: [25, 10, 5, 50] });
    expect(parsePercentList('25,10 5')).toEqual({ ok: true, value: [25, 10, 5] });
    expect(parsePercentList('')).toEqual({ ok: true, value: [] });
    const bad = parsePercentList('25, abc');
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('NaN');
  });

  it('minutes: empty, junk and out-of-range are errors; "015" is 15', () => {
    expect(parseMinutes('').ok).toBe(false);
    expect(parseMinutes('1.5').ok).toBe(false);
    expect(parseMinutes('0').ok).toBe(false);
    expect(parseMinutes('1441').ok).toBe(false);
    expect(parseMinutes('015')).toEqual({ ok: true, value: 15 });
  });

  it('lines and optional percentages', () => {
    expect(parseLines('a\n\n  b*  \n')).toEqual({ ok: true, value: ['a', 'b*'] });
    expect(parseOptionalPercent('')).toEqual({ ok: true, value: null });
    expect(parseOptionalPercent('101').ok).toBe(false);
  });

  it('an error path maps to its control and tab; the first on screen wins', () => {
    expect(locate('buttons.1.url')).toMatchObject({ id: 'button-1-url', tab: 'discord' });
    expect(locate('ignoreProjects.3')).toMatchObject({ id: 'ignoreProjects', tab: 'privacy' });
    expect(firstInvalid(['general.staleMinutes', 'notifications.thresholds'])).toEqual({
      id: 'thresholds',
      tab: 'limits',
    });
  });
});
