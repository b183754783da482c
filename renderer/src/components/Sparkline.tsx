import { memo } from 'react';
import type { HistoryWindow } from '../../../src/contract/index.js';
import { burnDown, burnGeometry, hasPace, listedValues, type Box } from '../history/series.js';

const BOX: Box = { width: 72, height: 22, top: 2, right: 2, bottom: 2, left: 2 };

/**
 * The window so far as a small line, with the even-pace line behind it, in
 * the row's colour (the row's tone class sets it). It is a button: activating
 * it opens History in the settings window.
 */
export const Sparkline = memo(function Sparkline({
  window: w,
  name,
  now,
  onOpen,
}: {
  window: HistoryWindow;
  name: string;
  now: number;
  onOpen: () => void;
}) {
  const b = burnDown(w);
  const g = burnGeometry(b, BOX, now, hasPace(w));
  return (
    <button
      type="button"
      className="spark"
      aria-label={`${name} history: open the History tab`}
      title="Open History"
      onClick={onOpen}
      data-testid="sparkline"
    >
      <svg
        width={BOX.width}
        height={BOX.height}
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        aria-hidden="true"
        data-values={listedValues(b)}
        data-count={b.points.length}
      >
        <line className="spark-base" x1={BOX.left} x2={BOX.width - BOX.right} y1={g.y(0)} y2={g.y(0)} />
        {g.pace !== '' && <path className="spark-pace" d={g.pace} />}
        <path className="spark-line" d={g.line} />
      </svg>
    </button>
  );
});
