import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../renderer/setup.js';
import { ROOT } from '../support/cli.js';

// `npm run build` output: what Electron loads.
beforeAll(() => {
  ensureRendererBuilt();
});

describe('npm run build', () => {
  it('produces the main bundle, which loads electron and the core', async () => {
    const main = await readFile(join(ROOT, 'out', 'main', 'index.js'), 'utf8');
    expect(main).toMatch(/from\s*["']electron["']/);
    expect(main).toContain('UsageMonitor');
  });

  it('produces a single CommonJS preload, as the sandbox requires', async () => {
    const preload = await readFile(join(ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/^\s*export\s/m);
    // Only electron is required: everything else is bundled in.
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld("codexPresence"');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*\)/);
  });

  it.each(['popover.html', 'settings.html'])('%s carries a strict CSP', async (page) => {
    const html = await readFile(join(ROOT, 'out', 'renderer', page), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/); // no inline script
  });

  it('the renderer ships minified: at most 350 kB of JavaScript, with no eval the CSP would block', async () => {
    const dir = join(ROOT, 'out', 'renderer', 'assets');
    const scripts = (await readdir(dir)).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const f of scripts) {
      total += (await stat(join(dir, f))).size;
      const code = await readFile(join(dir, f), 'utf8');
      // Minified: long lines, not one statement per line.
      expect(code.split('\n').length, f).toBeLessThan(50);
      expect(code, f).not.toMatch(/\beval\(|new Function\(/);
    }
    expect(total).toBeLessThanOrEqual(350_000);
  });

  it('the CLI bundle runs on plain Node', async () => {
    const cli = await readFile(join(ROOT, 'out', 'cli', 'index.mjs'), 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node')).toBe(true);
    expect(cli).not.toMatch(/from\s*["']electron["']/);
  });
});
