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
 * A figure's words with each lower bound (`≥ $9.22`, `≥ 1.5M`) kept on one
 * line: where a narrow place wraps the text, the sign never ends a line apart
 * from its number. The text itself is the one src/format wrote.
 */
export function BoundText({ text }: { text: string }) {
  return text.split(/(≥ \S+)/).map((part, i) =>
    i % 2 === 1 ? (
      <span key={i} className="bound">
        {part}
      </span>
    ) : (
      part
    ),
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
 *
 * At a large type size in a narrow window (150 % text in 360 px) a y-axis
 * label is wider than the plot's left margin and would reach past the
 * window's edge: the plot then steps in by what it overhangs
 * (`--chart-overhang`, a margin, so the tooltip placed in it stays on its
 * points). Measured a frame later, outside the ResizeObserver's callback, as
 * a size changed inside it would be a loop (and an error event).
 */
export function useChartTextScale(viewBoxWidth: number): RefObject<HTMLDivElement | null> {
  const plot = useRef<HTMLDivElement | null>(null);
  useLayoutEffect(() => {
    const el = plot.current;
    if (el === null) return;
    let frame = 0;
    const apply = (): void => {
      const width = el.querySelector('svg')?.getBoundingClientRect().width ?? 0;
      if (width > 0) el.style.setProperty('--chart-k', String(viewBoxWidth / width));
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => fitOverhang(el));
    };
    apply();
    const observer = new ResizeObserver(apply);
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [viewBoxWidth]);
  return plot;
}

/** Steps the plot in by how far its text reaches left of the SVG (none when it has room). */
function fitOverhang(el: HTMLElement): void {
  const svg = el.querySelector('svg');
  if (svg === null) return;
  const left = svg.getBoundingClientRect().left;
  let reach = left;
  for (const t of svg.querySelectorAll('text')) reach = Math.min(reach, t.getBoundingClientRect().left);
  // Whole pixels, so a rounding difference never moves it back and forth.
  const next = `${Math.ceil(left - reach)}px`;
  if (el.style.getPropertyValue('--chart-overhang') !== next) el.style.setProperty('--chart-overhang', next);
}
