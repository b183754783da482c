import { useId } from 'react';
import type { CostBasis, HistoryDay } from '../../../src/contract/index.js';
import { basisText, basisTitle, costText, usdText } from '../../../src/format/cost.js';
import { ChartTooltip, TableToggle, useChartTextScale } from './ChartParts.js';
import { DAY_BOX as BOX, dayColumns, DayPlot } from './DayBars.js';
import { costBar, costDayText, costMax, dayLabel, linearScale } from './series.js';
import { pointerX, useActivePoint } from './useActivePoint.js';

/**
 * What the tokens of each day cost (issue 24 §1), the cost view of the
 * per-day chart: one bar per day. A partial day (some models unpriced) is
 * hatched and said "partial" (its bar is a lower bound); an unavailable day
 * has no bar, only a dashed mark at the baseline and its words: never a
 * guessed figure. The same keyboard as the token view: arrows read each day,
 * Enter selects it.
 */
export function DayCostBars({
  days,
  basis,
  selected,
  onSelect,
}: {
  days: readonly HistoryDay[];
  basis: CostBasis;
  selected: string | null;
  onSelect: (day: string) => void;
}) {
  const id = useId();
  // useId's colons are not valid in url(#…).
  const hatch = `hatch-${id.replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const plot = useChartTextScale(BOX.width);
  const top = costMax(days);
  const n = days.length;
  const { step, band, x } = dayColumns(n);
  const y = linearScale([0, top], [BOX.height - BOX.bottom, BOX.top]);
  const selectedIndex = days.findIndex((d) => d.day === selected);
  const { active, handlers } = useActivePoint(n, (e) => Math.floor((pointerX(e, BOX.width) - BOX.left) / (step || 1)), {
    initial: selectedIndex,
    onChoose: (i) => void (days[i] && onSelect(days[i].day)),
  });
  const activeDay = active === null ? undefined : days[active];
  const name = basisText(basis);
  const title = basisTitle(basis);
  const partial = days.some((d) => d.cost.status === 'partial');
  const unavailable = days.some((d) => d.tokens > 0 && costBar(d) === null);
  return (
    <figure className="chart days cost-days" data-testid="day-cost-bars">
      <div className="chart-plot" ref={plot}>
        <DayPlot
          days={days}
          top={top}
          format={usdText}
          label={`${title} per day for the last ${n} days. Use the arrow keys to read each day, Enter to show its top sessions.`}
          tip={`${id}-tip`}
          selectedIndex={selectedIndex}
          active={active}
          handlers={handlers}
        >
          <defs>
            <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="hatch-ground" />
              <line x1="1" y1="0" x2="1" y2="6" className="hatch-line" />
            </pattern>
          </defs>
          <g className="bars">
            {days.map((d, i) => {
              const usd = costBar(d);
              if (d.tokens === 0 && usd === 0) return null;
              if (usd === null)
                return d.tokens > 0 ? (
                  <line
                    key={d.day}
                    className="cost-gap"
                    data-day={d.day}
                    data-status="unavailable"
                    x1={x(i)}
                    x2={x(i) + band}
                    y1={BOX.height - BOX.bottom - 1}
                    y2={BOX.height - BOX.bottom - 1}
                  />
                ) : null;
              return (
                <rect
                  key={d.day}
                  className={d.cost.status === 'partial' ? 'series-1 cost-partial' : 'series-1'}
                  // Inline: a presentation attribute would lose to .series-1's fill.
                  style={d.cost.status === 'partial' ? { fill: `url(#${hatch})` } : undefined}
                  data-day={d.day}
                  data-usd={usd}
                  data-status={d.cost.status}
                  x={x(i)}
                  width={band}
                  y={y(usd)}
                  height={Math.max(0, y(0) - y(usd))}
                />
              );
            })}
          </g>
        </DayPlot>
        <ChartTooltip
          id={`${id}-tip`}
          x={active === null ? 0 : x(active) + band / 2}
          y={activeDay === undefined ? 0 : y(costBar(activeDay) ?? 0)}
          width={BOX.width}
          height={BOX.height}
          text={activeDay === undefined ? null : costDayText(activeDay, basis)}
        />
      </div>
      {(partial || unavailable) && (
        <ul className="legend" aria-label="Marks">
          {partial && (
            <li>
              <span className="swatch swatch-partial" aria-hidden="true" />
              partial: some models have no price, the bar is what the others cost (≥)
            </li>
          )}
          {unavailable && (
            <li>
              <span className="swatch swatch-gap" aria-hidden="true" />
              unavailable: no price for that day’s models, no bar
            </li>
          )}
        </ul>
      )}
      <TableToggle what={`${name} per day`}>
        {() => (
          <table className="data-table" data-testid="cost-days-table">
            <caption className="sr-only">{title} per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">{title}</th>
                <th scope="col">Figure</th>
                <th scope="col">Not priced</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <td>{dayLabel(d.day)}</td>
                  <td>{d.tokens === 0 && d.cost.status === 'exact' ? '—' : costText(d.cost)}</td>
                  <td>{d.tokens === 0 && d.cost.status === 'exact' ? 'no tokens' : d.cost.status}</td>
                  <td>{d.cost.unpriced.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </TableToggle>
    </figure>
  );
}
