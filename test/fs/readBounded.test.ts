import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFailure, readBounded, readTail } from '../../src/fs/readBounded.js';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cdp-bounded-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readBounded', () => {
  it('reads a regular file whole, and says a missing one is missing', async () => {
    writeFileSync(join(dir, 'a'), 'hello\n');
    const read = await readBounded(join(dir, 'a'), 100);
    expect(read.kind).toBe('read');
    expect(read.kind === 'read' && read.bytes.toString()).toBe('hello\n');
    expect(await readBounded(join(dir, 'nope'), 100)).toEqual({ kind: 'missing' });
    expect(await readBounded(join(dir, 'a', 'below-a-file'), 100)).toEqual({ kind: 'missing' });
  });

  it('reads a file of exactly the bound, and refuses one byte more without reading it', async () => {
    writeFileSync(join(dir, 'exact'), Buffer.alloc(64, 0x61));
    writeFileSync(join(dir, 'over'), Buffer.alloc(65, 0x61));
    const exact = await readBounded(join(dir, 'exact'), 64);
    expect(exact.kind === 'read' && exact.bytes.length).toBe(64);
    const over = await readBounded(join(dir, 'over'), 64);
    expect(over).toEqual({ kind: 'tooLarge', size: 65, maxBytes: 64 });
    expect(describeFailure(over as Exclude<typeof over, { kind: 'read' }>)).toMatch(/larger than 64 bytes/);
  });

  it('refuses a folder', async () => {
    mkdirSync(join(dir, 'folder'));
    const read = await readBounded(join(dir, 'folder'), 100);
    expect(read).toEqual({ kind: 'special', reason: 'a directory' });
  });

  it.runIf(posix)('returns at once for a FIFO with no writer, naming it', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const read = await readBounded(join(dir, 'fifo'), 100);
    expect(read).toEqual({ kind: 'special', reason: 'a FIFO (named pipe)' });
  });

  it.runIf(posix)('refuses a symlink to /dev/zero as a device, reading nothing', async () => {
    symlinkSync('/dev/zero', join(dir, 'zero'));
    expect(await readBounded(join(dir, 'zero'), 1024)).toEqual({ kind: 'special', reason: 'a device' });
    expect(await readTail(join(dir, 'zero'), 1024)).toEqual({ kind: 'special', reason: 'a device' });
  });

  it.runIf(posix)('names a symlink loop', async () => {
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    expect(await readBounded(join(dir, 'loop-a'), 100)).toEqual({ kind: 'special', reason: 'a symlink loop (ELOOP)' });
  });
});

describe('readTail', () => {
  it('reads the last bytes of a file, and the whole of a smaller one', async () => {
    writeFileSync(join(dir, 'log'), '0123456789');
    const tail = await readTail(join(dir, 'log'), 4);
    expect(tail.kind === 'read' && [tail.bytes.toString(), tail.start]).toEqual(['6789', 6]);
    const whole = await readTail(join(dir, 'log'), 100);
    expect(whole.kind === 'read' && [whole.bytes.toString(), whole.start]).toEqual(['0123456789', 0]);
  });
});
