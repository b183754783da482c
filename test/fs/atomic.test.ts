import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bytesFill,
  createComplete,
  createNew,
  fileStamp,
  linkExclusive,
  replaceByRename,
  writeNewUnder,
} from '../../src/fs/atomic.js';

// The atomic-file helpers the config store, the instance lock and the history store share (issue 22 §3).
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdp-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exclusive creates', () => {
  it('createNew never writes over a file; a fill that fails leaves nothing', async () => {
    const path = join(dir, 'lock');
    expect(await createNew(path, bytesFill('first'))).toBe(true);
    expect(await createNew(path, bytesFill('second'))).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('first');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const broken = join(dir, 'broken');
    await expect(
      createNew(broken, async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual(['lock']);
  });

  it('createComplete links a finished file in, once; no temporary file stays', async () => {
    const path = join(dir, 'instance.json');
    expect(await createComplete(path, '{"pid": 1}\n')).toBe(true);
    expect(await createComplete(path, '{"pid": 2}\n')).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('{"pid": 1}\n');
    expect(await readdir(dir)).toEqual(['instance.json']);
  });

  it('linkExclusive places a finished file only where nothing is', async () => {
    await writeFile(join(dir, 'a'), 'A');
    await writeFile(join(dir, 'taken'), 'T');
    expect(await linkExclusive(join(dir, 'a'), join(dir, 'b'), async () => 'A')).toBe(true);
    expect(await linkExclusive(join(dir, 'a'), join(dir, 'taken'), async () => 'A')).toBe(false);
    expect([await readFile(join(dir, 'b'), 'utf8'), await readFile(join(dir, 'taken'), 'utf8')]).toEqual(['A', 'T']);
  });
});

describe('backups and replaces', () => {
  it('writeNewUnder takes the first free name and never an earlier backup; EEXIST when none is free', async () => {
    const names = [join(dir, 'x.bak'), join(dir, 'x-1.bak')];
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0xc3]);
    expect(await writeNewUnder(names, bytesFill(bytes))).toBe(names[0]);
    expect(await writeNewUnder(names, bytesFill('other'))).toBe(names[1]);
    await expect(writeNewUnder(names, bytesFill('third'))).rejects.toThrow(/EEXIST/);
    expect((await readFile(names[0] ?? '')).equals(bytes)).toBe(true);
    expect(await readFile(names[1] ?? '', 'utf8')).toBe('other');
  });

  it('replaceByRename is all or nothing: a failed write leaves the old file and no temporary one', async () => {
    const target = join(dir, 'history.jsonl');
    await writeFile(target, 'old\n');
    await expect(
      replaceByRename(target, async (h) => {
        await h.writeFile('half');
        throw new Error('cut');
      }),
    ).rejects.toThrow('cut');
    expect(await readFile(target, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['history.jsonl']);
    // A temporary name of its own, left by a crash, is reused.
    const tmp = `${target}.tmp-${process.pid}`;
    await writeFile(tmp, 'left over by a crash, longer than the new content');
    await replaceByRename(target, bytesFill('new\n'), { tmp, overwriteTmp: true });
    expect(await readFile(target, 'utf8')).toBe('new\n');
    expect(await readdir(dir)).toEqual(['history.jsonl']);
  });

  it('fileStamp has no characters Windows forbids in a name', () => {
    expect(fileStamp(new Date('2026-11-21T12:00:00Z'))).toBe('2026-11-21T12-00-00-000Z');
  });
});
