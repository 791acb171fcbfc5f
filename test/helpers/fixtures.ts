// Test fixtures: disk images built (and cached outside the repo) by
// scripts/build-fixtures.sh. See scripts/fixtures/*.sh for what each contains;
// every fixture directory also holds a fixture.json describing it.
//
// This file is loaded both from source by vitest (test/helpers/fixtures.ts) and
// compiled by tsc (dist/test/helpers/fixtures.js), so the repo root is found by
// walking up to the directory that contains scripts/build-fixtures.sh.

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The images of the "layouts" fixture (scripts/fixtures/layouts.sh), one per disk file. */
export const LAYOUT_IMAGES = [
  'layouts-lvm-mbr',
  'layouts-lvm-gpt-xfs',
  'layouts-luks1-lvm',
  'layouts-luks2',
  'layouts-btrfs',
  'layouts-raid1-a',
  'layouts-raid1-b',
  'layouts-raid1-090-a',
  'layouts-raid1-090-b',
  'layouts-logical-mbr',
  'layouts-whole-xfs',
  'layouts-two-disk-a',
  'layouts-two-disk-b',
] as const;

export type LayoutImage = (typeof LAYOUT_IMAGES)[number];

export type FixtureName =
  | 'debian'
  | 'synthetic'
  | 'synthetic-qcow2'
  | 'synthetic-whole'
  | 'hostile'
  | 'netstacks'
  | 'windows'
  | 'hostile-lvm'
  | 'hostile-windows'
  | 'hostile-windows-link'
  | LayoutImage;

export const FIXTURE_NAMES: readonly FixtureName[] = [
  'debian',
  'synthetic',
  'synthetic-qcow2',
  'synthetic-whole',
  'hostile',
  'netstacks',
  ...LAYOUT_IMAGES,
  'windows',
  'hostile-lvm',
  'hostile-windows',
  'hostile-windows-link',
];

const BUILD_SCRIPT = join('scripts', 'build-fixtures.sh');

let repoRootCache: string | undefined;

/** The repository root (the first ancestor of this file holding scripts/build-fixtures.sh). */
export function repoRoot(): string {
  if (repoRootCache !== undefined) return repoRootCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, BUILD_SCRIPT))) {
      repoRootCache = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`fixtures: cannot find ${BUILD_SCRIPT} above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
}

const pathCache = new Map<FixtureName, string>();
const infoCache = new Map<FixtureName, unknown>();

function assertName(name: string): asserts name is FixtureName {
  if (!(FIXTURE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`fixtures: unknown fixture '${name}' (expected one of ${FIXTURE_NAMES.join(', ')})`);
  }
}

/**
 * Absolute path of the cached fixture image (built on first use, which for
 * 'debian' can take a few minutes). Never write to this file: use workCopy().
 */
export function fixturePath(name: FixtureName): string {
  assertName(name);
  const cached = pathCache.get(name);
  if (cached !== undefined) return cached;
  const root = repoRoot();
  let out: string;
  try {
    out = execFileSync('bash', [join(root, BUILD_SCRIPT), 'path', name], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'], // build logs go straight to our stderr
      maxBuffer: 1024 * 1024,
    });
  } catch (err) {
    throw new Error(`fixtures: building '${name}' failed: ${(err as Error).message}`);
  }
  const lines = out.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const p = lines[lines.length - 1];
  if (p === undefined || !p.startsWith('/') || !existsSync(p)) {
    throw new Error(`fixtures: build-fixtures.sh path ${name} printed no usable path: ${JSON.stringify(out)}`);
  }
  pathCache.set(name, p);
  return p;
}

/** Parsed fixture.json from the fixture's cache directory. */
export function fixtureInfo(name: FixtureName): any {
  assertName(name);
  if (infoCache.has(name)) return infoCache.get(name);
  const file = join(dirname(fixturePath(name)), 'fixture.json');
  const info: unknown = JSON.parse(readFileSync(file, 'utf8'));
  infoCache.set(name, info);
  return info;
}

/**
 * A throwaway, writable copy of a fixture in `dir`: a qcow2 overlay backed by
 * the cached image for qcow2 fixtures, a sparse copy for raw ones. The cached
 * original is never modified. Returns the path of the copy.
 */
/** `<dir>/<name>.<ext>`, or `<name>-2.<ext>`... when a copy of that name is already there. */
function freshName(dir: string, name: string, ext: string): string {
  for (let n = 1; ; n++) {
    const candidate = join(dir, n === 1 ? `${name}.${ext}` : `${name}-${n}.${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}

export async function workCopy(name: FixtureName, dir: string): Promise<string> {
  const src = fixturePath(name);
  const target = resolve(dir);
  mkdirSync(target, { recursive: true });
  if (src.endsWith('.qcow2')) {
    const dst = freshName(target, name, 'qcow2');
    await execFileAsync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', src, dst]);
    return dst;
  }
  const dst = freshName(target, name, 'raw');
  if (resolve(dst) === resolve(src)) throw new Error(`fixtures: refusing to copy ${src} onto itself`);
  // --no-preserve=mode: the cached images are read-only (0444), copies must be writable.
  await execFileAsync('cp', ['--sparse=always', '--no-preserve=mode,ownership', '-f', src, dst]);
  return dst;
}
