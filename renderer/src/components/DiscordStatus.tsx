import { useState } from 'react';
import type { Api, AppState, DoctorResult } from '../../../src/contract/index.js';
import { discordShortReason } from '../../../src/format/discordStatus.js';
import { LiveIcon } from './Icons.js';

export interface DiscordView {
  /** Live means an activity is really on Discord. */
  live: boolean;
  /** Connected, with nothing to show now: a normal state, said quietly in the footer, never a callout. */
  idle?: true;
  /** One sentence, said once. */
  text: string;
  canRetry: boolean;
}

/**
 * What Discord's state means for the user, in words. `switchedOff`: the user turned Discord off in Settings.
 * A reason main gave a kind for is said in the short words the terminal uses too (`discordShortReason`:
 * "Discord not running", "no application id: run doctor"); a reason with no kind is said whole.
 */
export function discordView(app: AppState, switchedOff = false): DiscordView {
  if (app.paused) return { live: false, text: 'Presence is paused: nothing is shown on Discord.', canRetry: false };
  const off = switchedOff || app.discord.kind === 'switched-off';
  if (off && app.discord.state === 'disabled')
    return { live: false, text: 'Discord is turned off in Settings: nothing is shown there.', canRetry: false };
  const short = discordShortReason(app.discord);
  switch (app.discord.state) {
    case 'disabled':
      return {
        live: false,
        text:
          short !== null
            ? `Not on Discord: ${short}`
            : (app.discord.reason ?? 'Discord is off: set your Application ID in Settings.'),
        canRetry: false,
      };
    case 'connecting':
      return { live: false, text: 'Connecting to Discord…', canRetry: true };
    case 'error':
      return {
        live: false,
        text: `Not on Discord: ${short ?? app.discord.reason ?? 'the connection failed'}`,
        canRetry: true,
      };
    case 'connected':
      return app.published
        ? { live: true, text: 'On Discord', canRetry: false }
        : { live: false, idle: true, text: 'Connected to Discord; nothing to show now (idle).', canRetry: false };
  }
}

/** The small header badge, only while the activity is really published. */
export function LiveBadge({ app, switchedOff }: { app: AppState; switchedOff: boolean }) {
  if (!discordView(app, switchedOff).live) return null;
  return (
    <span className="live-badge" data-testid="discord-live">
      <LiveIcon />
      On Discord
    </span>
  );
}

/** The footer's quiet line while connected with nothing to show (idle is not an error). */
export function DiscordIdleNote({ app, switchedOff }: { app: AppState; switchedOff: boolean }) {
  const view = discordView(app, switchedOff);
  if (view.idle !== true) return null;
  return (
    <p className="footer-note" data-testid="discord-idle">
      {view.text}
    </p>
  );
}

/**
 * Full width, when Discord is not live and that needs the user: the reason
 * in words, and what to do about it (Retry, Open settings, Run doctor). Doctor runs the same checks as
 * `codex-discord-presence doctor` and shows them here.
 */
export function DiscordRow({ app, api, switchedOff }: { app: AppState; api: Api; switchedOff: boolean }) {
  const view = discordView(app, switchedOff);
  const [doctor, setDoctor] = useState<DoctorResult | 'running' | { error: string } | null>(null);
  if (view.live || view.idle === true) return null;
  const tone = app.discord.state === 'error' && !app.paused ? 'error' : 'info';
  return (
    <section className={`discord-row tone-${tone}`} data-testid="discord-row" aria-label="Discord">
      <p className="discord-reason" data-testid="discord-reason">
        {view.text}
      </p>
      <div className="row-actions">
        {app.paused ? (
          <button type="button" onClick={() => void api.setPaused(false)}>
            Resume
          </button>
        ) : (
          view.canRetry && (
            <button type="button" onClick={() => void api.retryDiscord()}>
              Retry
            </button>
          )
        )}
        <button type="button" onClick={() => void api.openSettings()}>
          Open settings
        </button>
        {!app.paused && !switchedOff && (
          <button
            type="button"
            disabled={doctor === 'running'}
            onClick={() => {
              setDoctor('running');
              api.runDoctor().then(
                (r) => setDoctor(r),
                (e: unknown) => setDoctor({ error: e instanceof Error ? e.message : String(e) }),
              );
            }}
          >
            {doctor === 'running' ? 'Checking…' : 'Run doctor'}
          </button>
        )}
      </div>
      {doctor !== null && doctor !== 'running' && (
        <div className="doctor" data-testid="doctor" role="region" aria-label="Doctor results">
          {'error' in doctor ? (
            <p className="check fail">Doctor could not run: {doctor.error}</p>
          ) : (
            <ul>
              {doctor.checks
                .filter((c) => c.status !== 'ok')
                .map((c) => (
                  <li key={c.id} className={`check ${c.status}`}>
                    <strong>{c.title}:</strong> {c.detail}
                    {c.fix !== undefined && <span className="fix"> {c.fix}</span>}
                  </li>
                ))}
              {doctor.checks.every((c) => c.status === 'ok') && <li className="check ok">Every check passed.</li>}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
