import { useId, useMemo } from 'react';
import type { CostBasis, HistoryWindow } from '../../../src/contract/index.js';
import { clockTime, wholePercent } from '../../../src/format/numbers.js';
import { levelFor } from '../../../src/format/presentation.js';
import { windowSoFarPhrase, windowSoFarText, windowUsagePhrase } from '../../../src/format/window.js';
import { BoundText, ChartTooltip, TableToggle, useChartTextScale } from './ChartParts.js';
import {
  burnDownOf,
  burnGeometry,
  evenPaceAt,
  hasPace,
  linearScale,
  listedValues,
  windowSignature,
  nearestIndex,
  pointText,
  type Box,
} from './series.js';
import { pointerX, useActivePoint } from './useActivePoint.js';

const BOX: Box = { width: 340, height: 168, top: 18, right: 14, bottom: 22, left: 38 };
/** Past this many readings the dots would merge into the line: only the active one is drawn. */
const MAX_DOTS = 60;

/**
 * Remaining % of one window over time, from its start to its reset: the
 * readings as a step line, the even-pace line from 100 % to 0 %, "now" and
 * the reset marked; under the title, the tokens used in it so far and their
 * cost (`basis` names it). One tab stop: arrows move between readings, each with its tooltip.
 */
export function BurnDownChart({
  window: w,
  title,
  now,
  basis,
}: {
  window: HistoryWindow;
  title: string;
  now: number;
  basis: CostBasis;
}) {
  const id = useId();
  const plot = useChartTextScale(BOX.width);
  const pace = hasPace(w);
  // A re-query hands over a fresh copy of the same window: recompute only when its readings changed.
  const signature = windowSignature(w);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const b = useMemo(() => burnDownOf(w), [signature]);
  const g = useMemo(() => burnGeometry(b, BOX, now, pace), [b, now, pace]);
  const times = useMemo(() => b.points.map((p) => p.t), [b]);
  const toTime = linearScale([BOX.left, BOX.width - BOX.right], [b.start, b.end]);
  const { active, handlers } = useActivePoint(b.points.length, (e) =>
    nearestIndex(times, toTime(pointerX(e, BOX.width))),
  );
  const last = b.points.at(-1);
  const tone = last === undefined ? 'normal' : levelFor(last.remaining);
  const activePoint = active === null ? undefined : b.points[active];
  const activeDot = active === null ? undefined : g.dot(active);
  const nowX = now > b.start && now < b.end ? g.x(now) : null;
  const readings =
    last === undefined
      ? `${title}: no readings yet`
      : `${title}: ${wholePercent(last.remaining)}% left${pace ? `, even pace ${wholePercent(evenPaceAt(b, now))}% left` : ''}`;
  const summary = w.usage === null ? readings : `${readings}; ${windowSoFarPhrase(w.usage, basis)}`;
  const n = new Date(now);
  return (
    <figure className={`chart burn tone-${tone}`} data-testid="burndown" data-window={`${w.limitId}:${w.kind}`}>
      <figcaption className="chart-title">
        <span>{title}</span>
        {last !== undefined && <span className="chart-figure">{wholePercent(last.remaining)}% left</span>}
      </figcaption>
      {w.usage !== null && (
        <p className="chart-usage" title={windowUsagePhrase(w.usage, basis)} data-testid="window-usage">
          <BoundText text={windowSoFarText(w.usage)} />
        </p>
      )}
      <div className="chart-plot" ref={plot}>
        <svg
          viewBox={`0 0 ${BOX.width} ${BOX.height}`}
          role="group"
          aria-label={`${summary}. Use the arrow keys to read each reading.`}
          aria-describedby={`${id}-tip`}
          data-values={listedValues(b)}
          data-count={b.points.length}
          data-start={Number.isFinite(b.start) ? new Date(b.start).toISOString() : ''}
          data-end={Number.isFinite(b.end) ? new Date(b.end).toISOString() : ''}
          {...handlers}
        >
          {[0, 50, 100].map((v) => (
            <g key={v} className="grid">
              <line x1={BOX.left} x2={BOX.width - BOX.right} y1={g.y(v)} y2={g.y(v)} />
              <text x={BOX.left - 6} y={g.y(v)} dy="0.32em" textAnchor="end">
                {v}%
              </text>
            </g>
          ))}
          {Number.isFinite(b.start) && (
            <text className="axis" x={BOX.left} y={BOX.height - 6} textAnchor="start">
              {clockTime(new Date(b.start), n)}
            </text>
          )}
          {b.endIsReset && (
            <g className="reset-mark" data-testid="reset-mark">
              <line x1={g.x(b.end)} x2={g.x(b.end)} y1={BOX.top - 4} y2={BOX.height - BOX.bottom} />
              <text className="axis" x={g.x(b.end)} y={BOX.height - 6} textAnchor="end">
                Resets {clockTime(new Date(b.end), n)}
              </text>
            </g>
          )}
          {nowX !== null && (
            <g className="now-mark">
              <line x1={nowX} x2={nowX} y1={BOX.top - 4} y2={BOX.height - BOX.bottom} />
              <text x={nowX} y={BOX.top - 7} textAnchor={nowX > BOX.width - 60 ? 'end' : 'middle'}>
                now
              </text>
            </g>
          )}
          {g.pace !== '' && <path className="pace-line" d={g.pace} data-testid="pace-line" />}
          <path className="burn-line" d={g.line} data-testid="burn-line" />
          {b.points.length <= MAX_DOTS &&
            b.points.map((_, i) => {
              const d = g.dot(i);
              return d === undefined ? null : <circle key={i} className="dot-point" cx={d.x} cy={d.y} r={2.5} />;
            })}
          {activeDot !== undefined && <circle className="dot-active" cx={activeDot.x} cy={activeDot.y} r={4.5} />}
        </svg>
        <ChartTooltip
          id={`${id}-tip`}
          x={activeDot?.x ?? 0}
          y={activeDot?.y ?? 0}
          width={BOX.width}
          height={BOX.height}
          text={activePoint === undefined ? null : pointText(b, activePoint, now, pace)}
        />
      </div>
      <TableToggle what={title}>
        {() => (
          <table className="data-table" data-testid="burn-table">
            <caption className="sr-only">{title}: every reading</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Left</th>
                {pace && <th scope="col">Even pace</th>}
              </tr>
            </thead>
            <tbody>
              {b.points.map((p, i) => (
                <tr key={i}>
                  <td>{clockTime(new Date(p.t), n)}</td>
                  <td>{wholePercent(p.remaining)}%</td>
                  {pace && <td>{wholePercent(evenPaceAt(b, p.t))}%</td>}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </TableToggle>
    </figure>
  );
}
