import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { Ajv } from 'ajv';
import { minimatch } from 'minimatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureRendererBuilt } from '../renderer/setup.js';
import { ROOT } from '../support/cli.js';

// Installers cannot be built here (electron-builder downloads Electron), so
// everything that can be checked without building them is checked here.
type Obj = Record<string, unknown>;
let config: Obj;

beforeAll(async () => {
  config = parse(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as Obj;
});

describe('electron-builder.yml', () => {
  it('validates against electron-builder’s own JSON schema (app-builder-lib/scheme.json)', async () => {
    const schema = JSON.parse(
      await readFile(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
    ) as Obj;
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // And a broken config is caught (the check can fail).
    expect(validate({ ...config, mac: { target: 42 } })).toBe(false);
  });

  it('targets: dmg + zip, nsis + msi, AppImage + deb, each for x64 and arm64', () => {
    const targets = (platform: string) =>
      ((config[platform] as Obj).target as Array<{ target: string; arch: string[] }>).map((t) => [t.target, t.arch]);
    expect(targets('mac')).toEqual([
      ['dmg', ['x64', 'arm64']],
      ['zip', ['x64', 'arm64']],
    ]);
    expect(targets('win')).toEqual([
      ['nsis', ['x64', 'arm64']],
      ['msi', ['x64', 'arm64']],
    ]);
    expect(targets('linux')).toEqual([
      ['AppImage', ['x64', 'arm64']],
      ['deb', ['x64', 'arm64']],
    ]);
  });

  it('names artifacts <name>-<version>-<os>-<arch>.<ext>, and macOS is a tray app with a hardened runtime', () => {
    expect(config.artifactName).toBe('${name}-${version}-${os}-${arch}.${ext}');
    expect(config.productName).toBe('Codex Discord Presence');
    expect(config.appId).toMatch(/^[a-z0-9.]+$/);
    expect(String(config.copyright)).toMatch(/Copyright/);
    const mac = config.mac as Obj;
    expect(mac.extendInfo).toEqual({ LSUIElement: true });
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.category).toBe('public.app-category.developer-tools');
    const msi = config.msi as Obj;
    expect(msi).toMatchObject({ perMachine: false, createStartMenuShortcut: true });
    expect(config.asar).toBe(true);
  });

  it('publishes to GitHub Releases (update feeds for electron-updater), as drafts', () => {
    expect(config.publish).toEqual({ provider: 'github', releaseType: 'draft' });
  });

  it('signing placeholders: macOS notarisation off unless the workflow turns it on; Windows sha256 + timestamp, no fixed publisher', () => {
    expect((config.mac as Obj).notarize).toBe(false);
    const win = config.win as Obj;
    expect(win.signtoolOptions).toEqual({
      signingHashAlgorithms: ['sha256'],
      rfc3161TimeStampServer: 'http://timestamp.digicert.com',
    });
    // A fixed publisherName would make electron-updater reject every unsigned build's update.
    expect(JSON.stringify(win)).not.toContain('publisherName');
    expect(config.nsis).toMatchObject({
      oneClick: true,
      perMachine: false,
      artifactName: '${name}-${version}-${os}-setup.${ext}',
    });
  });

  it('carries the CLI bundle as a resource (for "Install command-line tool…")', () => {
    expect(config.extraResources).toContainEqual({ from: 'out/cli/index.mjs', to: 'cli/index.mjs' });
  });

  it('sets the fuses from the security checklist', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('every file it names exists', async () => {
    const mac = config.mac as Obj;
    for (const path of [mac.icon, mac.entitlements, mac.entitlementsInherit, (config.win as Obj).icon]) {
      await expect(readFile(join(ROOT, String(path)))).resolves.toBeDefined();
    }
    expect((await readdir(join(ROOT, String((config.linux as Obj).icon)))).sort()).toEqual([
      '128x128.png',
      '16x16.png',
      '256x256.png',
      '32x32.png',
      '48x48.png',
      '512x512.png',
      '64x64.png',
    ]);
  });
});

function pngSize(data: Buffer): [number, number] {
  expect(data.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

describe('icons (generated from assets/source/icon.svg)', () => {
  it('the app icon is 1024 px, and the Linux set has every size it names', async () => {
    expect(pngSize(await readFile(join(ROOT, 'assets/icon/icon.png')))).toEqual([1024, 1024]);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(await readFile(join(ROOT, `assets/icon/png/${size}x${size}.png`)))).toEqual([size, size]);
    }
  });

  it('icon.ico holds 16 to 256 px images; icon.icns holds 16 to 1024 px', async () => {
    const ico = await readFile(join(ROOT, 'assets/icon/icon.ico'));
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
    const icns = await readFile(join(ROOT, 'assets/icon/icon.icns'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: Record<string, number> = {};
    for (let at = 8; at < icns.length;) {
      const type = icns.subarray(at, at + 4).toString('latin1');
      const len = icns.readUInt32BE(at + 4);
      found[type] = pngSize(icns.subarray(at + 8, at + len))[0];
      at += len;
    }
    expect(found).toMatchObject({ icp4: 16, icp5: 32, ic07: 128, ic08: 256, ic09: 512, ic10: 1024 });
  });

  it('tray icons: macOS templates at 16 and 32 px in black and alpha; Windows .ico and Linux PNG per state', async () => {
    for (const state of ['normal', 'warning', 'critical', 'stale']) {
      expect(pngSize(await readFile(join(ROOT, `assets/tray/tray-${state}Template.png`)))).toEqual([16, 16]);
      expect(pngSize(await readFile(join(ROOT, `assets/tray/tray-${state}Template@2x.png`)))).toEqual([32, 32]);
      expect(pngSize(await readFile(join(ROOT, `assets/tray/tray-${state}.png`)))).toEqual([32, 32]);
      // Linux: a light-panel and a dark-panel variant.
      for (const panel of ['light', 'dark'])
        expect(pngSize(await readFile(join(ROOT, `assets/tray/tray-${state}-${panel}.png`)))).toEqual([32, 32]);
      const ico = await readFile(join(ROOT, `assets/tray/tray-${state}.ico`));
      expect(ico.readUInt16LE(4)).toBe(4);
    }
  });

  it('the committed icons are what the script makes from the source', async () => {
    const before = await readFile(join(ROOT, 'assets/tray/tray-warningTemplate.png'));
    execFileSync(process.execPath, ['scripts/generate-icons.mjs'], { cwd: ROOT });
    expect((await readFile(join(ROOT, 'assets/tray/tray-warningTemplate.png'))).equals(before)).toBe(true);
  });
});

describe('workflows', () => {
  const workflows = ['ci.yml', 'release.yml'];

  it.each(workflows)('%s parses and passes action-validator', async (name) => {
    const text = await readFile(join(ROOT, '.github', 'workflows', name), 'utf8');
    expect(() => parse(text) as unknown).not.toThrow();
    const state = validateWorkflow(text);
    expect(state.errors).toEqual([]);
  });

  it.each(workflows)('%s pins every action to a commit', async (name) => {
    const text = await readFile(join(ROOT, '.github', 'workflows', name), 'utf8');
    const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1] ?? '');
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40}$/);
  });

  it('only the release job may write contents', async () => {
    const ci = parse(await readFile(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as Obj;
    expect(ci.permissions).toEqual({ contents: 'read' });
    const release = parse(await readFile(join(ROOT, '.github/workflows/release.yml'), 'utf8')) as {
      permissions: Obj;
      jobs: Record<string, Obj>;
      on: Obj;
    };
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(release.jobs.build?.permissions).toBeUndefined();
    expect(release.jobs.cli?.permissions).toBeUndefined();
    // id-token: npm provenance signs the package with the workflow's OIDC identity.
    expect(release.jobs.release?.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    expect(release.on).toHaveProperty('workflow_dispatch');
    expect((release.on.push as Obj).tags).toEqual(['v*']);
  });
});

describe('ci.yml drives the real app on the three OSes', () => {
  it('the e2e job packages with electron-builder --dir, runs test:e2e (xvfb-run on Linux) and keeps the screenshots', async () => {
    const ci = parse(await readFile(join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: Record<string, { strategy: { matrix: { os: string[] } }; steps: Obj[]; env?: Obj }>;
    };
    const job = ci.jobs.e2e;
    expect(job?.strategy.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
    expect(job?.env?.ELECTRON_SKIP_BINARY_DOWNLOAD).toBeUndefined();
    const runs = (job?.steps ?? []).map((s) => String(s.run ?? s.uses ?? ''));
    const at = (text: string) => runs.findIndex((r) => r.includes(text));
    expect(at('npx electron-builder --dir')).toBeGreaterThan(at(`require('electron')`));
    expect(at(`require('electron')`)).toBeGreaterThan(-1);
    expect(at('xvfb-run --auto-servernum -- npx vitest run --config vitest.e2e.config.ts')).toBeGreaterThan(
      at('npx electron-builder --dir'),
    );
    const upload = (job?.steps ?? []).find((s) => String(s.uses).startsWith('actions/upload-artifact'));
    expect((upload?.with as Obj).path).toBe('test-artifacts/e2e/');
  });
});

describe('release.yml ships what users install', () => {
  it('uploads installers, the update feeds and SHA256SUMS; notes from the CHANGELOG; the CLI to npm with provenance', async () => {
    const text = await readFile(join(ROOT, '.github/workflows/release.yml'), 'utf8');
    const release = parse(text) as { jobs: Record<string, { needs?: string[]; steps: Array<Obj> }> };
    const steps = release.jobs.release?.steps ?? [];
    const gh = steps.find((s) => String(s.uses).startsWith('softprops/action-gh-release'));
    const files = String((gh?.with as Obj).files);
    expect(files).toContain('dist/latest*.yml');
    expect(files).toContain('dist/SHA256SUMS');
    expect((gh?.with as Obj).body_path).toBe('release-notes.md');
    expect(steps.some((s) => String(s.run).includes('node scripts/release-notes.mjs "$tag"'))).toBe(true);
    expect(steps.some((s) => String(s.run).includes('npm publish --provenance'))).toBe(true);
    expect(release.jobs.release?.needs).toEqual(['build', 'cli']);
    // The build job hands the Windows certificate to electron-builder under its own name.
    expect(text).toContain('WIN_CSC_LINK: ${{ secrets.WIN_CSC_LINK }}');
  });
});

describe('what gets packaged', () => {
  it('the build output is what `files` includes, and no source map, source or test is packaged', async () => {
    ensureRendererBuilt();
    const patterns = (config.files as string[]).map((p) => p.replace(/^'|'$/g, ''));
    const included = (file: string): boolean => {
      let hit = false;
      for (const p of patterns) {
        if (p.startsWith('!')) {
          if (minimatch(file, p.slice(1), { dot: true })) hit = false;
        } else if (minimatch(file, p, { dot: true })) hit = true;
      }
      return hit;
    };
    const walk = async (dir: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true });
      const nested = await Promise.all(
        entries.map((e) =>
          e.isDirectory()
            ? walk(join(dir, e.name))
            : Promise.resolve([relative(ROOT, join(dir, e.name)).replace(/\\/g, '/')]),
        ),
      );
      return nested.flat();
    };
    const built = [
      ...(await walk(join(ROOT, 'out', 'main'))),
      ...(await walk(join(ROOT, 'out', 'preload'))),
      ...(await walk(join(ROOT, 'out', 'renderer'))),
    ];
    expect(built.length).toBeGreaterThan(5);
    for (const f of built) expect(included(f), f).toBe(true);
    expect(built.some((f) => f.endsWith('.map'))).toBe(false);
    for (const f of [
      'out/main/index.js.map',
      'src/usage/engine.ts',
      'test/usage/samples.test.ts',
      'main/app.ts',
      'renderer/src/popover.tsx',
      'bench/index.ts',
    ]) {
      expect(included(f), f).toBe(false);
    }
  });
});

describe('scripts/gather-dist.mjs', () => {
  it('lays installers out as dist/<os>/<arch>/ and writes SHA256SUMS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cdp-dist-'));
    try {
      await mkdir(join(dir, 'dist', '.electron-builder'), { recursive: true });
      for (const f of [
        'codex-discord-presence-0.1.0-mac-arm64.dmg',
        'codex-discord-presence-0.1.0-mac-arm64.zip',
        'codex-discord-presence-0.1.0-mac-arm64.zip.blockmap',
        'codex-discord-presence-0.1.0-win-x64.msi',
        'codex-discord-presence-0.1.0-win-setup.exe',
        'codex-discord-presence-0.1.0-win-setup.exe.blockmap',
        'codex-discord-presence-0.1.0-linux-x86_64.AppImage',
        'codex-discord-presence-0.1.0-linux-amd64.deb',
        'builder-debug.yml',
      ]) {
        await writeFile(join(dir, 'dist', '.electron-builder', f), f);
      }
      // The update feed as electron-builder writes it, with its own (x86_64) names.
      await writeFile(
        join(dir, 'dist', '.electron-builder', 'latest-linux.yml'),
        [
          'version: 0.1.0',
          'files:',
          '  - url: codex-discord-presence-0.1.0-linux-x86_64.AppImage',
          '    sha512: abc==',
          '    size: 123',
          'path: codex-discord-presence-0.1.0-linux-x86_64.AppImage',
          'sha512: abc==',
          "releaseDate: '2026-11-22T06:00:00.000Z'",
          '',
        ].join('\n'),
      );
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'gather-dist.mjs')], { cwd: dir });
      const sums = (await readFile(join(dir, 'dist', 'SHA256SUMS'), 'utf8')).trim().split('\n');
      // By file name: release assets are flat, so `sha256sum -c --ignore-missing SHA256SUMS` works in Downloads.
      expect(sums.map((l) => l.split('  ')[1]).sort()).toEqual([
        'codex-discord-presence-0.1.0-linux-x64.AppImage',
        'codex-discord-presence-0.1.0-linux-x64.deb',
        'codex-discord-presence-0.1.0-mac-arm64.dmg',
        'codex-discord-presence-0.1.0-mac-arm64.zip',
        'codex-discord-presence-0.1.0-mac-arm64.zip.blockmap',
        'codex-discord-presence-0.1.0-win-setup.exe',
        'codex-discord-presence-0.1.0-win-setup.exe.blockmap',
        'codex-discord-presence-0.1.0-win-x64.msi',
      ]);
      expect(sums.every((l) => /^[0-9a-f]{64} {2}\S/.test(l))).toBe(true);
      expect(await readdir(join(dir, 'dist', 'win', 'universal'))).toContain(
        'codex-discord-presence-0.1.0-win-setup.exe',
      );
      // The feed names the files as they are uploaded, so the updater finds them.
      const feed = parse(await readFile(join(dir, 'dist', 'latest-linux.yml'), 'utf8')) as Obj;
      expect(feed.path).toBe('codex-discord-presence-0.1.0-linux-x64.AppImage');
      expect(feed.files).toEqual([
        { url: 'codex-discord-presence-0.1.0-linux-x64.AppImage', sha512: 'abc==', size: 123 },
      ]);
      await expect(readFile(join(dir, 'dist', 'linux', 'x64', String(feed.path)))).resolves.toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
