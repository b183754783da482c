import { useState } from 'react';
import type { Settings, UsageSnapshot } from '../../../src/contract/index.js';
import { buildActivity } from '../../../src/presence/activity.js';
import { durationShort } from '../../../src/format/numbers.js';
import { tidySettings } from '../../../src/settings/settings.js';

/**
 * An https link is shown as the real image (the CSP allows https images). An
 * asset key lives in the user's Discord application, which the app cannot
 * read: it is drawn as a picture tile named by its key. So is a link that
 * does not load (offline, or gone): its alt text would spill over the card,
 * so the tile takes its place and says so.
 */
function AssetImage({
  className,
  asset,
  text,
  testId,
}: {
  className: string;
  asset: string;
  text: string | undefined;
  testId: string;
}) {
  // The link that failed: a new link is tried again.
  const [failed, setFailed] = useState<string | null>(null);
  const link = /^https:\/\//.test(asset);
  if (link && failed !== asset) {
    return (
      <img
        className={className}
        src={asset}
        alt={text ?? ''}
        title={text}
        data-testid={testId}
        onError={() => setFailed(asset)}
      />
    );
  }
  const [label, title] = link
    ? [`Image not loaded (${asset})`, `Could not load ${asset} here; Discord loads it itself`]
    : [`Discord asset “${asset}”`, `Asset “${asset}” from your Discord application`];
  return (
    <div
      className={`${className} asset-key`}
      role="img"
      aria-label={`${label}${text ? `: ${text}` : ''}`}
      title={`${title}${text ? ` · ${text}` : ''}`}
      data-testid={testId}
      data-fallback={link ? 'failed' : undefined}
    >
      <svg viewBox="0 0 16 16" width="60%" height="60%" aria-hidden="true" focusable="false">
        <rect x="1.5" y="2.5" width="13" height="11" rx="2" fill="none" stroke="currentColor" strokeWidth="1.3" />
        <circle cx="5.5" cy="6.5" r="1.5" fill="currentColor" />
        <path d="M2 12l4-4 3 3 2-2 3.5 3.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      </svg>
    </div>
  );
}

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
  // As a save would store them (text trimmed): what is previewed is what is sent once saved.
  const activity =
    snapshot === null ? null : buildActivity({ snapshot, config: tidySettings(settings), now, lastBusyAt: now });
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
              <AssetImage
                className="large"
                asset={activity.assets.large_image}
                text={activity.assets.large_text}
                testId="preview-large"
              />
            ) : null}
            {activity.assets?.small_image ? (
              <AssetImage
                className="small"
                asset={activity.assets.small_image}
                text={activity.assets.small_text}
                testId="preview-small"
              />
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
