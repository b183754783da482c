import type { Settings, UsageSnapshot } from '../../../src/contract/index.js';
import { applySettings, defaultConfig } from '../../../src/config/schema.js';
import { buildActivity } from '../../../src/presence/activity.js';
import { durationShort } from '../../../src/format/numbers.js';

/**
 * The Discord profile card as Discord draws it, from the same builder the
 * publisher uses: what you see here is exactly what is sent.
 */
export function DiscordCardPreview({
  settings,
  snapshot,
  now,
}: {
  settings: Settings;
  snapshot: UsageSnapshot | null;
  now: number;
}) {
  const config = applySettings(defaultConfig(), settings);
  const activity = snapshot === null ? null : buildActivity({ snapshot, config, now, lastBusyAt: now });
  const image = (key: string | undefined): string | null => (key && /^https:\/\//.test(key) ? key : null);
  return (
    <figure className="discord-card" aria-label="Discord card preview" data-testid="preview">
      <figcaption className="discord-card-title">Playing</figcaption>
      {activity === null ? (
        <p className="discord-empty" data-testid="preview-empty">
          Nothing is shown on Discord now{settings.idle.behaviour === 'clear' ? ' (cleared while idle)' : ''}.
        </p>
      ) : (
        <div className="discord-body">
          <div className="discord-images">
            {activity.assets?.large_image ? (
              image(activity.assets.large_image) ? (
                <img
                  className="large"
                  src={image(activity.assets.large_image) ?? ''}
                  alt={activity.assets.large_text ?? ''}
                />
              ) : (
                <div className="large placeholder" title={`asset “${activity.assets.large_image}”`}>
                  {activity.assets.large_image.slice(0, 2).toUpperCase()}
                </div>
              )
            ) : null}
            {activity.assets?.small_image ? (
              <div className="small placeholder" title={activity.assets.small_text}>
                {activity.assets.small_image.slice(0, 1).toUpperCase()}
              </div>
            ) : null}
          </div>
          <div className="discord-text">
            <strong className="discord-app">Codex</strong>
            {activity.details !== undefined && <span data-testid="preview-details">{activity.details}</span>}
            {activity.state !== undefined && <span data-testid="preview-state">{activity.state}</span>}
            {activity.timestamps?.start !== undefined && (
              <span className="discord-time">{durationShort(now - activity.timestamps.start)} elapsed</span>
            )}
          </div>
        </div>
      )}
      {activity?.buttons?.map((b) => (
        <span className="discord-button" key={b.label}>
          {b.label}
        </span>
      ))}
    </figure>
  );
}
