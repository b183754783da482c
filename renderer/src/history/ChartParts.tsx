import { useState, type ReactNode } from 'react';

/**
 * A chart's tooltip, placed over the SVG in its own units (the SVG scales
 * with its box, so positions are shares of the viewBox). It stays inside the
 * chart: near an edge it opens inward. Polite, so arrowing through points is read out.
 */
export function ChartTooltip({
  id,
  x,
  y,
  width,
  height,
  text,
}: {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  text: string | null;
}) {
  const left = (x / width) * 100;
  const side = left < 25 ? 'start' : left > 75 ? 'end' : 'middle';
  return (
    <div
      id={id}
      role="status"
      aria-live="polite"
      className={text === null ? 'chart-tooltip sr-only' : `chart-tooltip at-${side}`}
      style={text === null ? undefined : { left: `${left}%`, top: `${(y / height) * 100}%` }}
      data-testid="tooltip"
    >
      {text}
    </div>
  );
}

/**
 * "Show as table": the chart's numbers as a real table for screen readers and
 * for anyone who wants the figures. The table is only built when opened, so
 * a long history costs nothing until asked for.
 */
export function TableToggle({ what, children }: { what: string; children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="table-toggle" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Show as table<span className="sr-only">: {what}</span>
      </summary>
      {open && <div className="table-scroll">{children()}</div>}
    </details>
  );
}
