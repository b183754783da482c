import { useState, type KeyboardEvent, type MouseEvent } from 'react';

export interface ActivePoint {
  /** The point whose tooltip shows (hovered or keyboard-focused), or null. */
  active: number | null;
  /** Props for the chart's one focusable element (a roving focus over its points). */
  handlers: {
    tabIndex: 0;
    onKeyDown: (e: KeyboardEvent<Element>) => void;
    onFocus: () => void;
    onBlur: () => void;
    onPointerMove: (e: MouseEvent<Element>) => void;
    onPointerLeave: () => void;
    onClick?: (e: MouseEvent<Element>) => void;
  };
}

/**
 * One tab stop per chart: focus shows the tooltip of a point (the selected
 * one, else the latest), arrows move it, Home and End jump, Enter or Space
 * (and a click) choose it when the chart has a choice to make. Hovering shows
 * the nearest point's tooltip without moving focus.
 */
export function useActivePoint(
  count: number,
  nearest: (e: MouseEvent<Element>) => number,
  options: { initial?: number; onChoose?: (index: number) => void } = {},
): ActivePoint {
  const [focused, setFocused] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const clamp = (i: number): number => Math.min(count - 1, Math.max(0, i));
  const { onChoose } = options;
  const start = options.initial !== undefined && options.initial >= 0 ? options.initial : count - 1;
  return {
    active: count === 0 ? null : (hovered ?? focused),
    handlers: {
      tabIndex: 0,
      onFocus: () => {
        if (count > 0) setFocused((f) => f ?? clamp(start));
      },
      onBlur: () => setFocused(null),
      onKeyDown: (e) => {
        if (count === 0) return;
        const from = focused ?? clamp(start);
        const to =
          e.key === 'ArrowRight'
            ? from + 1
            : e.key === 'ArrowLeft'
              ? from - 1
              : e.key === 'Home'
                ? 0
                : e.key === 'End'
                  ? count - 1
                  : e.key === 'PageUp'
                    ? from + 10
                    : e.key === 'PageDown'
                      ? from - 10
                      : null;
        if (to !== null) {
          e.preventDefault();
          setHovered(null);
          setFocused(clamp(to));
        } else if ((e.key === 'Enter' || e.key === ' ') && onChoose !== undefined) {
          e.preventDefault();
          onChoose(from);
          setFocused(from);
        }
      },
      onPointerMove: (e) => {
        if (count > 0) setHovered(clamp(nearest(e)));
      },
      onPointerLeave: () => setHovered(null),
      onClick:
        onChoose === undefined
          ? undefined
          : (e) => {
              // From the click itself: the pointer move before it may not have rendered yet.
              if (count > 0) onChoose(clamp(nearest(e)));
            },
    },
  };
}

/** The pointer's x in the SVG's own units (its viewBox width is `width`). */
export function pointerX(e: MouseEvent<Element>, width: number): number {
  const r = e.currentTarget.getBoundingClientRect();
  return r.width > 0 ? ((e.clientX - r.left) / r.width) * width : 0;
}
