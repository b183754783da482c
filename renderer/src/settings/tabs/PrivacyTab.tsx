import { useRef } from 'react';
import type { PrivacyPreset, Settings, StateLineMode, UsageSnapshot } from '../../../../src/contract/index.js';
import { buildActivity, DEFAULT_DETAILS_TEMPLATE as DEFAULT_DETAILS } from '../../../../src/presence/activity.js';
import { tidySettings } from '../../../../src/settings/settings.js';
import { PLACEHOLDERS } from '../../../../src/settings/template.js';
import type { Visible } from '../../../../src/presence/privacy.js';
import { visibleFor } from '../../privacyView.js';
import { useAppStore } from '../../stores/appStore.js';
import { resolveDraft, useSettingsStore } from '../../stores/settingsStore.js';
import { useNow } from '../../useNow.js';
import { DiscordCardPreview } from '../DiscordCardPreview.js';
import { aria, Field } from '../Field.js';

type Toggle = 'showProjectName' | 'showGitBranch' | 'showModel' | 'showTokens' | 'showLimits' | 'showActivity';
const TOGGLES: Array<[Toggle, keyof Visible, string]> = [
  ['showActivity', 'activity', 'Activity (thinking, editing…)'],
  ['showModel', 'model', 'Model'],
  ['showLimits', 'limits', 'Limits left'],
  ['showTokens', 'tokens', 'Tokens'],
  ['showProjectName', 'project', 'Project name'],
  ['showGitBranch', 'branch', 'Git branch'],
];

/** Which privacy switch a placeholder needs: a hidden one renders empty on Discord. */
const NEEDS: Partial<Record<(typeof PLACEHOLDERS)[number], keyof Visible>> = {
  activity: 'activity',
  status: 'activity',
  project: 'project',
  branch: 'branch',
  model: 'model',
  'tokens.total': 'tokens',
  'tokens.last': 'tokens',
  'tokens.delta': 'tokens',
  'limits.primary.remaining': 'limits',
  'limits.secondary.remaining': 'limits',
  'limits.primary.resetsIn': 'limits',
  cost: 'cost',
};

const PRESET_NAMES: Record<PrivacyPreset, string> = { minimal: 'Minimal', standard: 'Standard', detailed: 'Detailed' };

/** What the preset alone shows, field by field (no overrides). */
function presetVisible(s: Settings): Visible {
  return visibleFor({
    ...s,
    privacy: {
      preset: s.privacy.preset,
      showProjectName: null,
      showGitBranch: null,
      showModel: null,
      showTokens: null,
      showLimits: null,
      showActivity: null,
      showCost: null,
    },
  });
}

/** Placeholders the template uses that privacy hides (they render empty on Discord). */
function hiddenUsed(template: string, visible: Visible): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => {
      const need = NEEDS[name as keyof typeof NEEDS];
      return need !== undefined && !visible[need];
    });
}

/** What each compact-line option is called, and its example when there is nothing live to show. */
const STATE_LINES: Array<[StateLineMode, string, string]> = [
  ['limits', 'Limits', '5h 72% left · Weekly 40% left'],
  ['tokens', 'Tokens', 'Δ 1.2k | last 3.4k | total 120k'],
  ['combined', 'Both, when they fit', ''],
];

/**
 * Each compact-line option with the live figures: the state line the card
 * would show with that option, from the same builder the publisher uses.
 */
function stateLineOption(settings: Settings, snapshot: UsageSnapshot | null, mode: StateLineMode, now: number): string {
  const [, name, example] = STATE_LINES.find(([m]) => m === mode) ?? STATE_LINES[0] ?? ['limits', '', ''];
  if (mode === 'combined') return name;
  const config = tidySettings({ ...settings, display: { ...settings.display, stateTemplate: '', stateLine: mode } });
  const live = snapshot === null ? undefined : buildActivity({ snapshot, config, now, lastBusyAt: now })?.state;
  return `${name}: ${live ?? example}`;
}

/**
 * A template the user wrote that uses a placeholder privacy hides is worth a
 * warning; the default details line (empty, or spelled out) is not: its
 * {project} shows exactly when privacy allows it, as intended.
 */
function isDefaultTemplate(field: 'detailsTemplate' | 'stateTemplate', value: string): boolean {
  const v = value.trim();
  return v === '' || (field === 'detailsTemplate' && v === DEFAULT_DETAILS);
}

/** Privacy & card: what goes to Discord, the two text lines, and the card exactly as Discord draws it. */
export function PrivacyTab({ errors }: { errors: Record<string, string> }) {
  const store = useSettingsStore();
  const { draft, texts, edit, setText, commitText } = store;
  const snapshot = useAppStore((s) => s.snapshot);
  const now = useNow();
  const lastTemplate = useRef<HTMLInputElement | null>(null);
  if (draft === null) return null;
  const set = (path: string, change: (d: Settings) => void) => edit(path, change);
  const resolved = resolveDraft(draft, texts).settings;
  const visible = visibleFor(resolved);
  const base = presetVisible(draft);
  const stateOverridden = draft.display.stateTemplate.trim() !== '';

  /** Inserts `{name}` at the cursor of the template field used last (the details line by default). */
  const insert = (name: string): void => {
    const input = lastTemplate.current ?? (document.getElementById('detailsTemplate') as HTMLInputElement | null);
    if (input === null) return;
    const field = input.id === 'stateTemplate' ? 'stateTemplate' : 'detailsTemplate';
    const value = draft.display[field];
    const start = input.selectionStart ?? value.length;
    const end = input.selectionEnd ?? value.length;
    const token = `{${name}}`;
    const next = value.slice(0, start) + token + value.slice(end);
    set(`display.${field}`, (d) => void (d.display[field] = next));
    requestAnimationFrame(() => {
      input.focus();
      input.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const templateField = (field: 'detailsTemplate' | 'stateTemplate', label: string, hint: string, ph: string) => {
    const path = `display.${field}`;
    const hidden = isDefaultTemplate(field, draft.display[field]) ? [] : hiddenUsed(draft.display[field], visible);
    const warning =
      hidden.length > 0
        ? `${hidden.map((h) => `{${h}}`).join(', ')} ${hidden.length === 1 ? 'is' : 'are'} hidden by your privacy settings: left out on Discord.`
        : null;
    return (
      <Field id={field} label={label} error={errors[path]} hint={warning ?? hint}>
        <input
          id={field}
          placeholder={ph}
          value={draft.display[field]}
          className={warning !== null && errors[path] === undefined ? 'has-warning' : undefined}
          {...aria(field, errors[path], true)}
          onFocus={(e) => (lastTemplate.current = e.currentTarget)}
          onChange={(e) => set(path, (d) => void (d.display[field] = e.target.value))}
        />
      </Field>
    );
  };

  return (
    <div className="privacy-layout">
      <div className="panel-grid">
        <fieldset>
          <legend>What Discord may show</legend>
          <div className="segmented" role="radiogroup" aria-label="Privacy preset">
            {(['minimal', 'standard', 'detailed'] as PrivacyPreset[]).map((p) => (
              <label key={p} className={draft.privacy.preset === p ? 'active' : undefined}>
                <input
                  type="radio"
                  name="preset"
                  id={`preset-${p}`}
                  value={p}
                  checked={draft.privacy.preset === p}
                  onChange={() => set('privacy.preset', (d) => void (d.privacy.preset = p))}
                />
                {PRESET_NAMES[p]}
              </label>
            ))}
          </div>
          <div className="toggles">
            {TOGGLES.map(([key, vis, text]) => (
              <label key={key} className="toggle">
                <span>{text}</span>
                <select
                  aria-label={text}
                  value={draft.privacy[key] === null ? 'preset' : draft.privacy[key] ? 'show' : 'hide'}
                  onChange={(e) =>
                    set(
                      `privacy.${key}`,
                      (d) => void (d.privacy[key] = e.target.value === 'preset' ? null : e.target.value === 'show'),
                    )
                  }
                >
                  <option value="preset">as preset: {base[vis] ? 'shown' : 'hidden'}</option>
                  <option value="show">shown</option>
                  <option value="hide">hidden</option>
                </select>
              </label>
            ))}
          </div>
          {/*
            A switch, not a preset select: no preset shows cost (src/presence/privacy.ts), so "as preset" would
            always mean hidden. Off is written as false, the Rust tool's show_cost.
          */}
          <label className="switch cost-switch">
            <input
              type="checkbox"
              checked={draft.privacy.showCost === true}
              onChange={(e) => set('privacy.showCost', (d) => void (d.privacy.showCost = e.target.checked))}
            />
            <span>Cost (only with {'{cost}'} in a template; exact figures only)</span>
          </label>
          <p className="field-hint">Prompts, file paths and commands are never sent.</p>
        </fieldset>
        <Field
          id="ignoreProjects"
          label="Never show these projects (one pattern per line, * and ? allowed)"
          error={errors.ignoreProjects ?? Object.entries(errors).find(([k]) => k.startsWith('ignoreProjects.'))?.[1]}
        >
          <textarea
            id="ignoreProjects"
            rows={2}
            value={texts.ignoreProjects}
            onChange={(e) => setText('ignoreProjects', e.target.value)}
            onBlur={() => commitText('ignoreProjects')}
          />
        </Field>
      </div>
      <div className="panel-grid">
        <DiscordCardPreview settings={resolved} snapshot={snapshot} now={now} />
        {templateField('detailsTemplate', 'Details line', `Default: ${DEFAULT_DETAILS}`, DEFAULT_DETAILS)}
        {templateField(
          'stateTemplate',
          'State line',
          'Empty: the compact line below.',
          '{limits.primary.remaining} left',
        )}
        <div className="chips" role="group" aria-label="Insert a placeholder">
          {PLACEHOLDERS.map((p) => (
            <button
              type="button"
              key={p}
              className="chip"
              onMouseDown={(e) => e.preventDefault() /* keep the cursor in the template */}
              onClick={() => insert(p)}
            >
              {`{${p}}`}
            </button>
          ))}
        </div>
        {!stateOverridden && (
          <Field id="stateLine" label="Compact state line" error={errors['display.stateLine']}>
            <select
              id="stateLine"
              value={draft.display.stateLine}
              onChange={(e) =>
                set(
                  'display.stateLine',
                  (d) => void (d.display.stateLine = e.target.value as Settings['display']['stateLine']),
                )
              }
            >
              {STATE_LINES.map(([mode]) => (
                <option key={mode} value={mode}>
                  {stateLineOption(resolved, snapshot, mode, now)}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
    </div>
  );
}
