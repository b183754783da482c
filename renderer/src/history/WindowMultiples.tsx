import { memo } from 'react';
import type { CostBasis, HistoryWindow } from '../../../src/contract/index.js';
import { basisTitle, costText } from '../../../src/format/cost.js';
import { wholePercent } from '../../../src/format/numbers.js';
import { levelFor } from '../../../src/format/presentation.js';
import {
  WINDOW_NOT_COUNTED,
  windowSpanText,
  windowTokensFigure,
  windowUsagePhrase,
  windowUsageText,
} from '../../../src/format/window.js';
import { BoundText, TableToggle } from './ChartParts.js';
import { fullNumber, listedValues, sameUsage, thumbnailOf, THUMBNAIL_BOX as BOX, windowSignature } from './series.js';

const lastLeft = (w: HistoryWindow): number | null => {
  const p = w.points.at(-1);
  return p === undefined ? null : Math.min(100, Math.max(0, 100 - p.usedPercent));
};

/** One past window, drawn to its end: what was left when it reset, and the tokens it took and their cost. */
const Multiple = memo(
  function Multiple({ window: w, basis }: { window: HistoryWindow; basis: CostBasis }) {
    const { b, g } = thumbnailOf(w);
    const left = lastLeft(w);
    const span = windowSpanText(w);
    const ended = left === null ? 'no readings' : `${wholePercent(left)}% left at reset`;
    const used = w.usage === null ? WINDOW_NOT_COUNTED.text : windowUsageText(w.usage);
    const usedPhrase = w.usage === null ? WINDOW_NOT_COUNTED.phrase : windowUsagePhrase(w.usage, basis);
    return (
      <li className={`multiple tone-${left === null ? 'normal' : levelFor(left)}`} data-testid="multiple">
        <svg
          viewBox={`0 0 ${BOX.width} ${BOX.height}`}
          role="img"
          aria-label={`${span}: ${ended}, ${usedPhrase}`}
          data-values={listedValues(b)}
          data-count={b.points.length}
        >
          <rect className="plot-bg" x={0} y={0} width={BOX.width} height={BOX.height} rx={4} />
          {g.pace !== '' && <path className="pace-line" d={g.pace} />}
          <path className="burn-line" d={g.line} />
        </svg>
        <span className="multiple-span">{span}</span>
        <span className="multiple-left">{ended}</span>
        <span className="multiple-usage" title={usedPhrase} data-testid="multiple-usage">
          <BoundText text={used} />
        </span>
      </li>
    );
  },
  // A re-query hands over fresh copies: redraw only when the readings, the usage or its basis changed.
  (a, b) =>
    a.basis === b.basis &&
    windowSignature(a.window) === windowSignature(b.window) &&
    sameUsage(a.window.usage, b.window.usage),
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
      <span className="multiple-usage">&nbsp;</span>
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
  basis,
  pending = false,
}: {
  title: string;
  windows: readonly HistoryWindow[];
  /** How the costs read (`HistoryView.cost.basis`). */
  basis: CostBasis;
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
            <Multiple key={`${w.startsAt ?? ''}:${w.resetsAt ?? ''}`} window={w} basis={basis} />
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
                <th scope="col" className="num">
                  Tokens
                </th>
                <th scope="col" className="num">
                  {basisTitle(basis)}
                </th>
              </tr>
            </thead>
            <tbody>
              {windows.map((w) => {
                const left = lastLeft(w);
                return (
                  <tr key={`${w.startsAt ?? ''}:${w.resetsAt ?? ''}`}>
                    <td>{windowSpanText(w)}</td>
                    <td>{left === null ? '—' : `${wholePercent(left)}%`}</td>
                    <td>{w.points.length}</td>
                    <td className="num">{w.usage === null ? '—' : windowTokensFigure(w.usage, fullNumber)}</td>
                    <td className="num">{w.usage === null ? '—' : costText(w.usage.cost)}</td>
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
