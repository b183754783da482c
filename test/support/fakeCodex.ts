import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A stand-in for the real `codex`, put on PATH as `codex`: a small Node
 * script that records its arguments and every signal it receives to
 * `codex.log`, creates $CODEX_HOME as the real one does on its first run,
 * exits 0 on SIGTERM, and otherwise runs until `finish(code)` is called.
 */
const SCRIPT = `#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const log = path.join(__dirname, 'codex.log');
const rec = (line) => fs.appendFileSync(log, line + '\\n');
rec('argv ' + JSON.stringify(process.argv.slice(2)));
if (process.env.CODEX_HOME) {
  try { fs.mkdirSync(process.env.CODEX_HOME, { recursive: true }); } catch (e) { rec('home ' + e.code); }
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) {
  process.on(s, () => {
    rec('signal ' + s);
    if (s === 'SIGTERM') { rec('exit 0'); process.exit(0); }
  });
}
const stop = path.join(__dirname, 'finish');
const timer = setInterval(() => {
  if (!fs.existsSync(stop)) return;
  clearInterval(timer);
  const code = Number(fs.readFileSync(stop, 'utf8')) || 0;
  rec('exit ' + code);
  process.exit(code);
}, 25);
rec('ready');
`;

export class FakeCodex {
  private constructor(readonly bin: string) {}

  /** Installs `codex` into `<dir>/bin`; put `bin` first on PATH. */
  static async install(dir: string): Promise<FakeCodex> {
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'codex'), SCRIPT);
    await chmod(join(bin, 'codex'), 0o755);
    return new FakeCodex(bin);
  }

  path(): string {
    return `${this.bin}:${process.env.PATH ?? ''}`;
  }

  async lines(): Promise<string[]> {
    const text = await readFile(join(this.bin, 'codex.log'), 'utf8').catch(() => '');
    return text.split('\n').filter((l) => l !== '');
  }

  /** The signals codex received, in order. */
  async signals(): Promise<string[]> {
    return (await this.lines()).filter((l) => l.startsWith('signal ')).map((l) => l.slice(7));
  }

  async argv(): Promise<string[] | null> {
    const line = (await this.lines()).find((l) => l.startsWith('argv '));
    return line === undefined ? null : (JSON.parse(line.slice(5)) as string[]);
  }

  /** Resolves once codex has logged a line matching `pattern` (polling its log file). */
  async until(pattern: RegExp | string): Promise<void> {
    for (;;) {
      const lines = await this.lines();
      if (lines.some((l) => (typeof pattern === 'string' ? l === pattern : pattern.test(l)))) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * Makes codex exit with `code`. The file appears whole (written aside, then
   * renamed): codex polls for it, and one seen between its creation and its
   * write read as empty, so codex exited 0 instead of `code` on a loaded machine.
   */
  async finish(code = 0): Promise<void> {
    const aside = join(this.bin, 'finish.tmp');
    await writeFile(aside, String(code));
    await rename(aside, join(this.bin, 'finish'));
  }
}
