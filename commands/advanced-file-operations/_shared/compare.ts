import type { FileType } from '../../../src/guest/types.js';
import { unifiedDiff } from '../../../src/parsers/diff.js';
import { CliError } from '../../../src/util/errors.js';
import { FILE_TYPE_TEXT } from '../../../src/util/file-type-text.js';
import { looksBinary } from './binary.js';
import { byName } from './sort.js';
import type { Side } from './diff-sides.js';

// The differences between two files or two trees, as GNU diff -r --no-dereference reports
// them: symlinks are compared by target and never followed, directories are entered, regular
// files compared by content, special files only by type.

export type Difference =
  | { kind: 'only'; dir: string; name: string; side: 'a' | 'b' }
  | { kind: 'type'; a: string; b: string; typeA: FileType; typeB: FileType }
  | { kind: 'link'; a: string; b: string; targetA: string; targetB: string }
  | { kind: 'binary'; a: string; b: string }
  | { kind: 'changed'; a: string; b: string; diff: string };

export interface Compare {
  context: number;
  signal: AbortSignal;
  out: Difference[];
}

const join = (dir: string, name: string) => `${dir === '/' ? '' : dir}/${name}`;
const label = (s: Side, path: string) => `${s.prefix}${path}`;

export async function compareFiles(c: Compare, a: Side, pa: string, b: Side, pb: string): Promise<void> {
  const [da, db] = await Promise.all([a.fs.readFile(pa), b.fs.readFile(pb)]);
  if (da.equals(db)) return;
  const la = label(a, pa);
  const lb = label(b, pb);
  if (looksBinary(da) || looksBinary(db)) c.out.push({ kind: 'binary', a: la, b: lb });
  else c.out.push({ kind: 'changed', a: la, b: lb, diff: unifiedDiff(da.toString('utf8'), db.toString('utf8'), { oldLabel: la, newLabel: lb, context: c.context }) });
}

async function typed(side: Side, dir: string) {
  const entries = (await side.fs.list(dir)).sort(byName);
  // A listing that could not tell the type: lstat says (never stat: a link is not followed).
  for (const e of entries) if (e.type === 'unknown') e.type = (await side.fs.lstat(join(dir, e.name))).type;
  return entries;
}

export async function compareDirs(c: Compare, a: Side, pa: string, b: Side, pb: string): Promise<void> {
  if (c.signal.aborted) throw new CliError('cancelled', 'cancelled');
  const [ea, eb] = await Promise.all([typed(a, pa), typed(b, pb)]);
  const inB = new Map(eb.map((e) => [e.name, e]));
  const inA = new Set(ea.map((e) => e.name));
  const names = [...new Set([...ea.map((e) => e.name), ...eb.map((e) => e.name)])].sort();
  const typeA = new Map(ea.map((e) => [e.name, e.type]));
  for (const name of names) {
    const ta = typeA.get(name);
    const tb = inB.get(name)?.type;
    if (!inA.has(name)) {
      c.out.push({ kind: 'only', dir: label(b, pb), name, side: 'b' });
      continue;
    }
    if (tb === undefined) {
      c.out.push({ kind: 'only', dir: label(a, pa), name, side: 'a' });
      continue;
    }
    const xa = join(pa, name);
    const xb = join(pb, name);
    if (ta !== tb) c.out.push({ kind: 'type', a: label(a, xa), b: label(b, xb), typeA: ta!, typeB: tb });
    else if (ta === 'directory') await compareDirs(c, a, xa, b, xb);
    else if (ta === 'file') await compareFiles(c, a, xa, b, xb);
    else if (ta === 'symlink') {
      const [targetA, targetB] = await Promise.all([a.fs.readlink(xa), b.fs.readlink(xb)]);
      if (targetA !== targetB) c.out.push({ kind: 'link', a: label(a, xa), b: label(b, xb), targetA, targetB });
    }
  }
}

/** GNU diff's line for a difference that is not a content diff. */
export function describeDifference(d: Exclude<Difference, { kind: 'changed' }>): string {
  switch (d.kind) {
    case 'only':
      return `Only in ${d.dir}: ${d.name}`;
    case 'type':
      return `File ${d.a} is a ${FILE_TYPE_TEXT[d.typeA]} while file ${d.b} is a ${FILE_TYPE_TEXT[d.typeB]}`;
    case 'link':
      return `Symbolic links ${d.a} -> ${d.targetA} and ${d.b} -> ${d.targetB} differ`;
    case 'binary':
      return `Binary files ${d.a} and ${d.b} differ`;
  }
}
