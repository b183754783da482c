import { useEffect, type RefObject } from 'react';

/**
 * The popover is as tall as its content (up to what main allows, about 80 %
 * of the work area; past that the one scroll region scrolls). The content's
 * natural height is the page's height with the scroll region replaced by
 * what it holds; it is measured on every layout change and sent to main,
 * which sizes the window and keeps it against the tray.
 */
export function usePopoverSizing(
  page: RefObject<HTMLElement | null>,
  scroller: RefObject<HTMLElement | null>,
  content: RefObject<HTMLElement | null>,
  ask: (height: number) => void,
): void {
  useEffect(() => {
    let last = 0;
    // ResizeObserver already batches to one callback per frame, after layout.
    const measure = (): void => {
      const p = page.current;
      const s = scroller.current;
      const c = content.current;
      if (p === null) return;
      const outer = p.getBoundingClientRect().height;
      const wanted =
        s === null || c === null ? outer : outer - s.getBoundingClientRect().height + c.getBoundingClientRect().height;
      const height = Math.ceil(wanted);
      if (Math.abs(height - last) < 1) return;
      last = height;
      ask(height);
    };
    const observer = new ResizeObserver(measure);
    for (const el of [page.current, content.current]) if (el !== null) observer.observe(el);
    return () => observer.disconnect();
  }, [page, scroller, content, ask]);
}
