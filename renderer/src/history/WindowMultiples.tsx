import { memo } from 'react';
import type { HistoryWindow } from '../../../src/contract/index.js';
import { clockTime, wholePercent } from '../../../src/format/numbers.js';
import { levelFor } from '../../../src/format/presentation.js';
import { TableToggle } from './ChartParts.js';
import { dayLabel, listedValues, thumbnailOf, THUMBNAIL_BOX as BOX, windowSignature } from './series.js';

/** `14 Nov – 21 Nov` for a weekly window, `21 Nov 09:13–14:13` for a short one. */
function spanText(w: HistoryWindow): string {
  const start = w.startsAt === null ? null : new Date(w.startsAt);
  const end = w.resetsAt === null ? null : new Date(w.resetsAt);
  if (end === null) return start === null ? 'unknown span' : `from ${dayLabel(isoDay(start), true)}`;
  if (start === null) return `until ${dayLabel(isoDay(end), true)} ${clockTime(end, end)}`;
  if ((w.windowMinutes ?? 0) >= 1440) return `${dayLabel(isoDay(start), true)} – ${dayLabel(isoDay(end), true)}`;
  return `${dayLabel(isoDay(start), true)} ${clockTime(start, start)}–${clockTime(end, end)}`;
}

function isoDay(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const lastLeft = (w: HistoryWindow): number | null => {
  const p = w.points.at(-1);
  return p === undefined ? null : Math.min(100, Math.max(0, 100 - p.usedPercent));
};

/** One past window, drawn to its end: what was left when it reset. */
const Multiple = memo(
  function Multiple({ window: w }: { window: HistoryWindow }) {
    const { b, g } = thumbnailOf(w);
    const left = lastLeft(w);
    const span = spanText(w);
    const ended = left === null ? 'no readings' : `${wholePercent(left)}% left at reset`;
    return (
      <li className={`multiple tone-${left === null ? 'normal' : levelFor(left)}`} data-testid="multiple">
        <svg
          viewBox={`0 0 ${BOX.width} ${BOX.height}`}
          role="img"
          aria-label={`${span}: ${ended}`}
          data-values={listedValues(b)}
          data-count={b.points.length}
        >
          <rect className="plot-bg" x={0} y={0} width={BOX.width} height={BOX.height} rx={4} />
          {g.pace !== '' && <path className="pace-line" d={g.pace} />}
          <path className="burn-line" d={g.line} />
        </svg>
        <span className="multiple-span">{span}</span>
        <span className="multiple-left">{ended}</span>
      </li>
    );
  },
  // A re-query hands over fresh copies: redraw only when the readings changed.
  (a, b) => windowSignature(a.window) === windowSignature(b.window),
);

/** A past window's place while it is not drawn yet: the same box and lines, so nothing moves when it is. */
function PendingMultiple() {
  return (
    <li className="multiple pending">
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} aria-hidden="true">
        <rect className="plot-bg" x={0} y={0} width={BOX.width} height={BOX.height} rx={4} />
      </svg>
      <span className="multiple-span">&nbsp;</span>
      <span className="multiple-left">&nbsp;</span>
    </li>
  );
}

/**
 * The last windows of one family and kind side by side, oldest first, on one
 * scale. `pending`: their places only (History's first paint), drawn on the next render.
 */
export function WindowMultiples({
  title,
  windows,
  pending = false,
}: {
  title: string;
  windows: readonly HistoryWindow[];
  pending?: boolean;
}) {
  return (
    <section
      className="multiples"
      aria-label={title}
      aria-busy={pending || undefined}
      data-testid={pending ? 'multiples-pending' : 'multiples'}
    >
      <h3 className="chart-title">{title}</h3>
      <ol className="multiples-row">
        {windows.map((w) =>
          pending ? (
            <PendingMultiple key={`${w.startsAt ?? ''}:${w.resetsAt ?? ''}`} />
          ) : (
            <Multiple key={`${w.startsAt ?? ''}:${w.resetsAt ?? ''}`} window={w} />
          ),
        )}
      </ol>
      <TableToggle what={title}>
        {() => (
          <table className="data-table" data-testid="multiples-table">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Window</th>
                <th scope="col">Left at reset</th>
                <th scope="col">Readings</th>
              </tr>
            </thead>
            <tbody>
              {windows.map((w) => {
                const left = lastLeft(w);
                return (
                  <tr key={`${w.startsAt ?? ''}:${w.resetsAt ?? ''}`}>
                    <td>{spanText(w)}</td>
                    <td>{left === null ? '—' : `${wholePercent(left)}%`}</td>
                    <td>{w.points.length}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </TableToggle>
    </section>
  );
}
