import { useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';

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
 * a long history costs nothing until asked for. The scrolling box is a tab
 * stop (axe's scrollable-region-focusable), so arrows scroll it.
 */
export function TableToggle({ what, children }: { what: string; children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="table-toggle" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        Show as table<span className="sr-only">: {what}</span>
      </summary>
      {/* A tab stop and a named region: the table scrolls (240 px at most), and the keyboard must scroll it too. */}
      {open && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`Table: ${what}`}>
          {children()}
        </div>
      )}
    </details>
  );
}

/**
 * Chart text follows the type scale, not the SVG's scale: the SVG scales its
 * viewBox to its box, so its text is drawn at `--chart-k` (viewBox units per
 * CSS pixel) times the type size, which comes out at the type size on screen
 * at every width and zoom (styles.css `.chart svg text`).
 */
export function useChartTextScale(viewBoxWidth: number): RefObject<HTMLDivElement | null> {
  const plot = useRef<HTMLDivElement | null>(null);
  useLayoutEffect(() => {
    const el = plot.current;
    if (el === null) return;
    const apply = (): void => {
      const width = el.querySelector('svg')?.getBoundingClientRect().width ?? 0;
      if (width > 0) el.style.setProperty('--chart-k', String(viewBoxWidth / width));
    };
    apply();
    const observer = new ResizeObserver(apply);
    observer.observe(el);
    return () => observer.disconnect();
  }, [viewBoxWidth]);
  return plot;
}
