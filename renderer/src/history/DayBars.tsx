import { memo, useId, useMemo, type ReactNode } from 'react';
import type { HistoryDay } from '../../../src/contract/index.js';
import { compactNumber } from '../../../src/format/numbers.js';
import { ChartTooltip, TableToggle, useChartTextScale } from './ChartParts.js';
import { dayLabel, dayText, fullNumber, linearScale, niceMax, stackDays, type Box, type StackedDay } from './series.js';
import { pointerX, useActivePoint, type ActivePoint } from './useActivePoint.js';

export const DAY_BOX: Box = { width: 720, height: 190, top: 10, right: 8, bottom: 22, left: 44 };

/** Where `n` days' bars go across the plot: the column step, the gap between bars, a bar's width, its left edge. */
export function dayColumns(n: number): { step: number; gap: number; band: number; x: (i: number) => number } {
  const step = n > 0 ? (DAY_BOX.width - DAY_BOX.left - DAY_BOX.right) / n : 0;
  const gap = step > 6 ? Math.min(4, step * 0.2) : step > 3 ? 1 : 0;
  return { step, gap, band: Math.max(0.5, step - gap), x: (i) => DAY_BOX.left + i * step + gap / 2 };
}

/**
 * The per-day chart's frame, shared by its two views (tokens, cost): the
 * axis grid with its figures in `format`, the selected and the active day,
 * the day labels; the view's bars are its children. The one tab stop.
 */
export function DayPlot({
  days,
  top,
  format,
  label,
  tip,
  selectedIndex,
  active,
  handlers,
  children,
}: {
  days: ReadonlyArray<{ day: string }>;
  top: number;
  format: (v: number) => string;
  label: string;
  tip: string;
  selectedIndex: number;
  active: number | null;
  handlers: ActivePoint['handlers'];
  children: ReactNode;
}) {
  const n = days.length;
  const { step, gap, band, x } = dayColumns(n);
  const y = linearScale([0, top], [DAY_BOX.height - DAY_BOX.bottom, DAY_BOX.top]);
  const column = (i: number) => ({
    x: x(i) - gap / 2,
    width: step,
    y: DAY_BOX.top,
    height: DAY_BOX.height - DAY_BOX.bottom - DAY_BOX.top,
  });
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  return (
    <svg
      viewBox={`0 0 ${DAY_BOX.width} ${DAY_BOX.height}`}
      role="group"
      aria-label={label}
      aria-describedby={tip}
      data-max={top}
      {...handlers}
    >
      {[0, top / 2, top].map((v) => (
        <g key={v} className="grid">
          <line x1={DAY_BOX.left} x2={DAY_BOX.width - DAY_BOX.right} y1={y(v)} y2={y(v)} />
          <text x={DAY_BOX.left - 6} y={y(v)} dy="0.32em" textAnchor="end">
            {format(v)}
          </text>
        </g>
      ))}
      {selectedIndex >= 0 && <rect className="day-selected" {...column(selectedIndex)} data-testid="selected-day" />}
      {children}
      {active !== null && <rect className="day-active" {...column(active)} />}
      {days.map((d, i) =>
        (n - 1 - i) % labelEvery === 0 ? (
          <text key={d.day} className="axis" x={x(i) + band / 2} y={DAY_BOX.height - 6} textAnchor="middle">
            {dayLabel(d.day, true)}
          </text>
        ) : null,
      )}
    </svg>
  );
}

/** The series' colour slot (styles.css --series-N); "Other projects" and "No project" are grey. */
export function seriesClass(index: number, key: string): string {
  return key.startsWith('\u0000') ? 'series-other' : `series-${(index % 6) + 1}`;
}

const Bars = memo(function Bars({
  days,
  slot,
  step,
  gap,
  top,
}: {
  days: StackedDay[];
  slot: Map<string, string>;
  step: number;
  gap: number;
  top: number;
}) {
  const band = Math.max(0.5, step - gap);
  const x = (i: number): number => DAY_BOX.left + i * step + gap / 2;
  const y = linearScale([0, top], [DAY_BOX.height - DAY_BOX.bottom, DAY_BOX.top]);
  return (
    <g className="bars">
      {days.map((d, i) => (
        <g key={d.day} data-day={d.day} data-total={d.total}>
          {d.segments.map((s) => (
            <rect
              key={s.key}
              className={slot.get(s.key)}
              x={x(i)}
              width={band}
              y={y(s.y1)}
              height={Math.max(0, y(s.y0) - y(s.y1))}
              data-project={s.key}
              data-tokens={s.tokens}
            />
          ))}
        </g>
      ))}
    </g>
  );
});

/**
 * Tokens per day, stacked by project (largest at the bottom). One tab stop:
 * arrows move between days with a tooltip each; Enter, Space or a click
 * selects the day, whose top sessions show below.
 */
export function DayBars({
  days,
  selected,
  onSelect,
}: {
  days: readonly HistoryDay[];
  selected: string | null;
  onSelect: (day: string) => void;
}) {
  const id = useId();
  const plot = useChartTextScale(DAY_BOX.width);
  const stack = useMemo(() => stackDays(days), [days]);
  const slot = useMemo(() => new Map(stack.series.map((s, i) => [s.key, seriesClass(i, s.key)])), [stack]);
  const top = niceMax(stack.max);
  const n = stack.days.length;
  const { step, gap, band, x } = dayColumns(n);
  const y = linearScale([0, top], [DAY_BOX.height - DAY_BOX.bottom, DAY_BOX.top]);
  const selectedIndex = stack.days.findIndex((d) => d.day === selected);
  const { active, handlers } = useActivePoint(
    n,
    (e) => Math.floor((pointerX(e, DAY_BOX.width) - DAY_BOX.left) / (step || 1)),
    {
      initial: selectedIndex,
      onChoose: (i) => void (stack.days[i] && onSelect(stack.days[i].day)),
    },
  );
  const activeDay = active === null ? undefined : stack.days[active];
  return (
    <figure className="chart days" data-testid="day-bars">
      <div className="chart-plot" ref={plot}>
        <DayPlot
          days={stack.days}
          top={top}
          format={compactNumber}
          label={`Tokens per day for the last ${n} days. Use the arrow keys to read each day, Enter to show its top sessions.`}
          tip={`${id}-tip`}
          selectedIndex={selectedIndex}
          active={active}
          handlers={handlers}
        >
          <Bars days={stack.days} slot={slot} step={step} gap={gap} top={top} />
        </DayPlot>
        <ChartTooltip
          id={`${id}-tip`}
          x={active === null ? 0 : x(active) + band / 2}
          y={activeDay === undefined ? 0 : y(activeDay.total)}
          width={DAY_BOX.width}
          height={DAY_BOX.height}
          text={activeDay === undefined ? null : dayText(activeDay, stack.series)}
        />
      </div>
      {stack.series.length > 0 && (
        <ul className="legend" aria-label="Projects">
          {stack.series.map((s) => (
            <li key={s.key}>
              <span className={`swatch ${slot.get(s.key) ?? ''}`} aria-hidden="true" />
              {s.label} <span className="muted">{compactNumber(s.total)}</span>
            </li>
          ))}
        </ul>
      )}
      <TableToggle what="tokens per day">
        {() => (
          <table className="data-table" data-testid="days-table">
            <caption className="sr-only">Tokens per day by project</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Tokens</th>
                <th scope="col">Cached input</th>
                <th scope="col">By project</th>
              </tr>
            </thead>
            <tbody>
              {stack.days.map((d) => (
                <tr key={d.day}>
                  <td>{dayLabel(d.day)}</td>
                  <td>{fullNumber(d.total)}</td>
                  <td>{fullNumber(d.cachedInput)}</td>
                  <td>
                    {d.segments
                      .map(
                        (s) => `${stack.series.find((x) => x.key === s.key)?.label ?? s.key} ${fullNumber(s.tokens)}`,
                      )
                      .join(', ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </TableToggle>
    </figure>
  );
}
