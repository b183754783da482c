import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/contract/index.js';
import { defaultSettings } from '../../src/settings/settings.js';
import { fitText } from '../../src/presence/limits.js';
import { renderTemplate } from '../../src/presence/template.js';
import { validateTemplate } from '../../src/settings/template.js';
import { normalizeFile } from '../../src/settings/fromFile.js';
import { buildActivity, buildPresence, MINIMAL_DETAILS } from '../../src/presence/activity.js';
import { session, snapshot, T0, window } from '../support/snapshots.js';
import { DEFAULT_IMAGES } from '../../src/settings/images.js';

function config(mutate: (c: Settings) => void = () => undefined): Settings {
  const c = defaultSettings();
  c.discordClientId = '123456789012345678';
  mutate(c);
  return c;
}

const build = (snap = snapshot(), cfg = config(), now = T0, lastBusyAt: number | null = T0) =>
  buildActivity({ snapshot: snap, config: cfg, now, lastBusyAt });

describe('details and state', () => {
  it('standard (the default): activity, model, limits — no project or branch', () => {
    const a = build();
    expect(a).toEqual({
      details: 'Running a command',
      state: '5h 72% left · Weekly 40% left',
      timestamps: { start: T0 - 45 * 60_000 },
      assets: {
        large_image: DEFAULT_IMAGES.large,
        large_text: 'Codex CLI 0.169.0',
        small_image: DEFAULT_IMAGES.small,
        small_text: 'gpt-5.5',
      },
    });
  });

  it('detailed adds the project: `Running a command · orbit-api`', () => {
    expect(
      build(
        snapshot(),
        config((c) => (c.privacy.preset = 'detailed')),
      )?.details,
    ).toBe('Running a command · orbit-api');
  });

  it('privacy.show_project_name: true turns project names on (the Rust tool’s key)', () => {
    expect(
      build(
        snapshot(),
        config((c) => (c.privacy.showProjectName = true)),
      )?.details,
    ).toBe('Running a command · orbit-api');
  });

  it('minimal is `Coding with Codex` only; so is the Rust tool’s privacy mode', () => {
    // The privacy mode as the Rust tool's file has it (its per-field switches too): read as the settings say it.
    const rustMode = normalizeFile({ privacy: { enabled: true, show_project_name: true } }).settings.privacy;
    for (const cfg of [config((c) => (c.privacy.preset = 'minimal')), config((c) => (c.privacy = rustMode))]) {
      const a = build(snapshot(), cfg);
      expect(a?.details).toBe(MINIMAL_DETAILS);
      expect(a?.state).toBeUndefined();
      expect(a?.assets?.small_image).toBeUndefined();
      // The CLI version is a detail of the session: minimal sends none (issue 11).
      expect(a?.assets?.large_text).toBe('Codex CLI');
      expect(JSON.stringify(a)).not.toContain('0.169.0');
    }
  });

  it('waiting for approval says so', () => {
    expect(build(snapshot([session({ status: 'waiting', activity: 'waiting' })]))?.details).toBe(
      'Waiting for approval',
    );
  });

  it('the state line can show the token triplet, or both when they fit', () => {
    expect(
      build(
        snapshot(),
        config((c) => (c.display.stateLine = 'tokens')),
      )?.state,
    ).toBe('Δ 1.2k | last 3.4k | total 120k');
    expect(
      build(
        snapshot(),
        config((c) => (c.display.stateLine = 'combined')),
      )?.state,
    ).toBe('5h 72% left · Weekly 40% left · Δ 1.2k | last 3.4k | total 120k');
  });

  it('unknown windows are left out rather than shown as 100 %', () => {
    const snap = snapshot([session()], {});
    snap.limits.primary = null;
    expect(build(snap)?.state).toBe('Weekly 40% left');
  });

  it('templates fill placeholders and drop hidden ones with their separator', () => {
    const cfg = config((c) => {
      c.display.detailsTemplate = '{model} on {branch} · {project}';
      c.display.stateTemplate = '{limits.primary.remaining} left, resets in {limits.primary.resetsIn} · {sessions}';
    });
    const a = build(snapshot(), cfg);
    // branch and project are hidden under `standard`.
    expect(a?.details).toBe('gpt-5.5 on');
    expect(a?.state).toBe('72% left, resets in 2h 13m · 1 session');
    expect(
      renderTemplate('{activity} · {project} · {model}', { ...blank(), activity: 'Thinking', model: 'gpt-5.5' }),
    ).toBe('Thinking · gpt-5.5');
    expect(renderTemplate('{project} · {activity}', { ...blank(), activity: 'Thinking' })).toBe('Thinking');
  });

  it('an unknown placeholder is a clear validation error', () => {
    expect(validateTemplate('{activity} · {projcet}')).toMatch(
      /^Unknown placeholder \{projcet\}\. Use one of: \{activity\}/,
    );
    expect(validateTemplate('{activity')).toBe('Unbalanced { or }.');
    expect(validateTemplate('{tokens.total} tokens')).toBeNull();
  });
});

function blank() {
  return {
    activity: '',
    project: '',
    branch: '',
    model: '',
    status: '',
    'tokens.total': '',
    'tokens.last': '',
    'tokens.delta': '',
    'limits.primary.remaining': '',
    'limits.secondary.remaining': '',
    'limits.primary.resetsIn': '',
    sessions: '',
    cost: '',
  };
}

describe('Discord limits', () => {
  it('truncates to 128 graphemes with an ellipsis, never splitting an emoji', () => {
    const long = `${'👩‍💻'.repeat(100)}${'x'.repeat(100)}`;
    const out = fitText(long);
    expect(out.endsWith('…')).toBe(true);
    expect([...new Intl.Segmenter().segment(out)].length).toBeLessThanOrEqual(128);
    expect(out.length).toBeLessThanOrEqual(128);
    expect(out.replace('…', '').replace(/👩‍💻/g, '')).toBe('');
    expect(fitText('a'.repeat(200))).toBe(`${'a'.repeat(127)}…`);
    expect(fitText('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it('pads strings shorter than 2 characters', () => {
    expect([...fitText('x')]).toHaveLength(2);
    const a = build(snapshot([session({ model: 'o' })]));
    expect([...(a?.assets?.small_text ?? '')]).toHaveLength(2);
  });

  it('a long project name is truncated deterministically', () => {
    const cfg = config((c) => (c.privacy.preset = 'detailed'));
    const a1 = build(snapshot([session({ project: 'p'.repeat(300) })]), cfg);
    const a2 = build(snapshot([session({ project: 'p'.repeat(300) })]), cfg);
    expect(a1?.details).toHaveLength(128);
    expect(a1?.details?.endsWith('…')).toBe(true);
    expect(a1).toEqual(a2);
  });

  it('at most 2 buttons, labels of at most 32 characters', () => {
    const cfg = config((c) => {
      c.buttons = [
        { label: 'A very long button label that goes on and on', url: 'https://example.com/a' },
        { label: 'Repo', url: 'https://example.com/b' },
        { label: 'Third', url: 'https://example.com/c' },
      ];
    });
    const a = build(snapshot(), cfg);
    expect(a?.buttons).toHaveLength(2);
    expect(a?.buttons?.[0]?.label).toHaveLength(32);
    expect(a?.buttons?.[0]?.label.endsWith('…')).toBe(true);
  });

  it('image keys may be https URLs', () => {
    const cfg = config((c) => (c.display.largeImageKey = 'https://cdn.example.com/codex.png'));
    expect(build(snapshot(), cfg)?.assets?.large_image).toBe('https://cdn.example.com/codex.png');
  });
});

describe('privacy', () => {
  it('never sends prompts, paths, thread names or cwd, whatever the configuration', () => {
    const cfg = config((c) => {
      c.privacy.preset = 'detailed';
      c.display.stateLine = 'combined';
    });
    const text = JSON.stringify(build(snapshot(), cfg));
    expect(text).not.toMatch(/\/home\/dev|rollout-secret-path|secret login|\.jsonl/);
  });

  it('the ignore list hides matching projects entirely', () => {
    const cfg = config((c) => {
      c.privacy.preset = 'detailed';
      c.ignoreProjects = ['client-*', 'SECRET?'];
    });
    const snap = snapshot([
      session({ id: 'x', project: 'client-acme' }),
      session({ id: 'y', project: 'secret1', status: 'idle' }),
      session({ id: 'z', project: 'orbit-api', status: 'idle' }),
    ]);
    const a = build(snap, cfg);
    expect(a?.details).toBe('Idle · orbit-api');
    expect(JSON.stringify(a)).not.toMatch(/acme|secret1/);
  });
});

describe('timestamps and idle', () => {
  it('start is the session start and stays stable across updates', () => {
    const a = build(snapshot(), config(), T0);
    const b = build(
      snapshot([session({ activity: 'editing', tokens: { ...session().tokens, total: 999_999 } })]),
      config(),
      T0 + 90_000,
    );
    expect(a?.timestamps?.start).toBe(b?.timestamps?.start);
  });

  it('end counts down to the 5h reset when the remaining share is below the threshold', () => {
    const cfg = config((c) => (c.display.countdownBelowPercent = 20));
    expect(build(snapshot(), cfg)?.timestamps?.end).toBeUndefined();
    const snap = snapshot();
    snap.limits.primary = window(12);
    expect(build(snap, cfg)?.timestamps?.end).toBe(T0 + (2 * 60 + 13) * 60_000);
  });

  it('after the idle time: clear, or show an idle state', () => {
    const idle = snapshot([session({ status: 'idle', activity: 'idle' })]);
    const later = T0 + 11 * 60_000;
    expect(
      build(
        idle,
        config((c) => (c.idle.behaviour = 'clear')),
        later,
        T0,
      ),
    ).toBeNull();
    const shown = build(
      idle,
      config((c) => (c.idle.behaviour = 'show')),
      later,
      T0,
    );
    expect(shown?.details).toBe('Idle');
    expect(shown?.state).toBe('5h 72% left · Weekly 40% left');
    expect(shown?.timestamps).toBeUndefined();
    // Before the idle time passes, the session is still shown.
    expect(
      build(
        idle,
        config((c) => (c.idle.behaviour = 'clear')),
        T0 + 5 * 60_000,
        T0,
      )?.details,
    ).toBe('Idle');
  });

  it('no session and no limits: nothing to show', () => {
    const snap = snapshot([]);
    snap.limits.primary = null;
    snap.limits.secondary = null;
    expect(build(snap)).toBeNull();
  });
});

describe('the session shown (buildPresence): one pick for the activity and the "on Discord" marks', () => {
  const presence = (snap = snapshot(), cfg = config(), now = T0, lastBusyAt: number | null = T0) =>
    buildPresence({ snapshot: snap, config: cfg, now, lastBusyAt });

  it('the session the activity is about, while it is', () => {
    expect(presence().shownSessionId).toBe('sess-a');
    expect(presence().activity).toEqual(build());
  });

  it('idle by when the publisher last saw it busy, not by its last write: the activity and the mark agree', () => {
    // Written to 11 minutes ago, but seen working 2 minutes ago: still shown, as the activity says.
    const quiet = snapshot([session({ status: 'idle', lastActivityAt: T0 - 11 * 60_000 })]);
    const recent = presence(quiet, config(), T0, T0 - 2 * 60_000);
    expect(recent.activity?.timestamps?.start).toBe(T0 - 45 * 60_000);
    expect(recent.shownSessionId).toBe('sess-a');
    // Past the delay since it was last busy: "Idle", and no session shown.
    const idle = presence(
      quiet,
      config((c) => (c.idle.behaviour = 'show')),
      T0,
      T0 - 11 * 60_000,
    );
    expect(idle.activity?.details).toBe('Idle');
    expect(idle.shownSessionId).toBeNull();
  });

  it('nothing shown when cleared, for an ignored project, or for a lone sub-agent', () => {
    const cleared = presence(
      snapshot([session({ status: 'idle' })]),
      config((c) => (c.idle.behaviour = 'clear')),
      T0,
      T0 - 11 * 60_000,
    );
    expect(cleared).toEqual({ activity: null, shownSessionId: null });
    const ignored = presence(
      snapshot(),
      config((c) => (c.ignoreProjects = ['orbit-*'])),
    );
    expect(ignored.shownSessionId).toBeNull();
    const lone = session({
      id: 'z',
      status: 'working',
      subagent: { parentId: 'gone', depth: 1, role: 'explorer', nickname: 'Euclid' },
    });
    const parent = session({ status: 'idle' });
    expect(presence(snapshot([lone, parent])).shownSessionId).toBe('sess-a');
    expect(presence(snapshot([lone])).shownSessionId).toBeNull();
  });
});
