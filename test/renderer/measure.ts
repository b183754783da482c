import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Contrast measured on computed colours in the real page: text against the
 * background it sits on (WCAG 1.4.3, 4.5:1), and non-text parts (bar fill
 * against its track, status dots, control borders, the empty track's edge)
 * against what is next to them (WCAG 1.4.11, 3:1).
 */
export async function contrastReport(
  page: Page,
): Promise<{ text: Array<[string, number]>; nonText: Array<[string, number]> }> {
  return page.evaluate(() => {
    const rgba = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
    const opaque = (c: string): boolean => {
      const v = rgba(c);
      return c !== 'transparent' && (v.length < 4 || (v[3] ?? 1) > 0.99);
    };
    const lum = (c: string): number => {
      const [r = 0, g = 0, b = 0] = rgba(c)
        .slice(0, 3)
        .map((v) => {
          const x = v / 255;
          return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
        });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: string, b: string): number => {
      const [x, y] = [lum(a), lum(b)];
      return Math.round(((Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)) * 100) / 100;
    };
    const background = (el: Element | null): string => {
      for (let e = el; e !== null; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (opaque(bg)) return bg;
      }
      return getComputedStyle(document.body).backgroundColor;
    };
    const probe = (value: string, near: Element): string => {
      const p = document.createElement('span');
      p.style.color = value;
      near.appendChild(p);
      const c = getComputedStyle(p).color;
      p.remove();
      return c;
    };
    const label = (sel: string, el: Element) => `${sel} “${(el.textContent ?? '').trim().slice(0, 24)}”`;
    const text: Array<[string, number]> = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      const el = n.parentElement;
      if (el === null || (n.textContent ?? '').trim() === '' || !visible(el) || el.closest('.sr-only,.discord-card'))
        continue;
      if (el.closest('button:disabled')) continue; // WCAG exempts inactive controls
      text.push([label(el.tagName.toLowerCase(), el), ratio(getComputedStyle(el).color, background(el))]);
    }
    const nonText: Array<[string, number]> = [];
    for (const bar of document.querySelectorAll('.bar:not(.unknown)')) {
      const fill = bar.querySelector('.fill');
      if (fill === null || fill.getBoundingClientRect().width === 0) continue;
      const track = getComputedStyle(bar).backgroundColor;
      const row = bar.closest('.limit-row,.session,.context') ?? bar;
      nonText.push([`bar fill ${row.className}`, ratio(getComputedStyle(fill).backgroundColor, track)]);
    }
    for (const bar of document.querySelectorAll('.bar.unknown')) {
      nonText.push([
        'empty track edge',
        ratio(probe('var(--track-edge)', bar.parentElement ?? bar), background(bar.parentElement)),
      ]);
    }
    for (const dot of document.querySelectorAll('.dot')) {
      nonText.push([
        `dot ${dot.className}`,
        ratio(getComputedStyle(dot).backgroundColor, background(dot.parentElement)),
      ]);
    }
    for (const c of document.querySelectorAll(
      'input:not([type=radio]):not([type=checkbox]), select, textarea, button:not(.link):not(:disabled)',
    )) {
      if (!visible(c)) continue;
      const cs = getComputedStyle(c);
      if (cs.borderTopStyle === 'none' || cs.borderTopWidth === '0px') continue;
      nonText.push([
        label(`border ${c.tagName.toLowerCase()}`, c),
        ratio(cs.borderTopColor, background(c.parentElement)),
      ]);
    }
    // Chart marks (WCAG 1.4.11 covers graphics too): each line's stroke and each
    // day bar's fill against what is behind it (a small multiple's plot background, else the card).
    const behind = (mark: Element): string => {
      const plot = mark.closest('svg')?.querySelector('.plot-bg');
      return plot != null ? getComputedStyle(plot).fill : background(mark.closest('svg')?.parentElement ?? null);
    };
    for (const line of document.querySelectorAll('svg .burn-line, svg .pace-line, svg .spark-line')) {
      if (!visible(line)) continue;
      const chart = line.closest('.chart,.multiple,.limit-row') ?? line;
      nonText.push([
        `${line.getAttribute('class') ?? ''} in ${chart.className}`,
        ratio(getComputedStyle(line).stroke, behind(line)),
      ]);
    }
    for (const bar of document.querySelectorAll('svg .bars rect')) {
      if (!visible(bar)) continue;
      nonText.push([`day bar ${bar.getAttribute('class') ?? ''}`, ratio(getComputedStyle(bar).fill, behind(bar))]);
    }
    return { text, nonText };
  });
}

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

/** axe-core's serious and critical violations, and its heading-order findings (rule id and the first offending node). */
export async function axeSerious(page: Page): Promise<string[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // axe schedules its work with timers: let the page's (test-installed) clock run.
  await page.clock.resume();
  // Evaluated through the debugging protocol, so the page's CSP (no inline script) does not apply.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: object,
          ): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown[] }> }> }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, target: JSON.stringify(v.nodes[0]?.target ?? []) }));
  });
  // Heading order is moderate to axe, but a skipped level misleads a screen reader's outline (issue 25 §10).
  const headings = new Set(['heading-order', 'page-has-heading-one']);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || headings.has(v.id))
    .map((v) => `${v.id} ${v.target}`);
}

/**
 * Elements drawn past the viewport's left or right edge (a tag, class and how far), screen-reader-only
 * text aside: at the popover's 360 px, or a narrower page at 150 % zoom, nothing may need a sideways scroll.
 */
export async function outsideViewport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('.sr-only') !== null) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.right > width + 0.5)
        out.push(
          `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} ${Math.round(r.left)}..${Math.round(r.right)}`,
        );
    }
    return out;
  });
}
