// Line diffs and unified-diff text, as `diff -u` prints them. Pure.
//
// Myers' O(ND) algorithm on what is left after the common head and tail are trimmed. When
// the two texts differ in more than `maxEdits` lines the middle is reported as one
// replacement (still a correct diff, just not a minimal one) to bound time and memory.

export type DiffOp = { op: 'equal' | 'delete' | 'insert'; line: string };

/** Lines with their '\n' kept, so a missing newline at the end is a difference too. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function diffLines(a: string[], b: string[], maxEdits = 2000): DiffOp[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const ops: DiffOp[] = a.slice(0, head).map((line) => ({ op: 'equal', line }));
  for (const op of myers(am, bm, maxEdits) ?? replaceAll(am, bm)) ops.push(op);
  for (const line of a.slice(a.length - tail)) ops.push({ op: 'equal', line });
  return ops;
}

function replaceAll(a: string[], b: string[]): DiffOp[] {
  return a.map((line): DiffOp => ({ op: 'delete', line })).concat(b.map((line): DiffOp => ({ op: 'insert', line })));
}

/** Shortest edit script, or null when it needs more than maxEdits edits. */
function myers(a: string[], b: string[], maxEdits: number): DiffOp[] | null {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaceAll(a, b);
  const max = Math.min(n + m, maxEdits);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice(off - d, off + d + 1));
        return backtrack(a, b, trace);
      }
    }
    trace.push(v.slice(off - d, off + d + 1));
  }
  return null;
}

function backtrack(a: string[], b: string[], trace: Int32Array[]): DiffOp[] {
  const ops: DiffOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1]!; // indices -(d-1)..(d-1) stored at 0..2d-2
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ op: 'equal', line: a[--x]! }), y--;
    if (x === prevX) ops.push({ op: 'insert', line: b[--y]! });
    else ops.push({ op: 'delete', line: a[--x]! });
  }
  while (x > 0 && y > 0) ops.push({ op: 'equal', line: a[--x]! }), y--;
  return ops.reverse();
}

export interface UnifiedDiffOptions {
  oldLabel?: string;
  newLabel?: string;
  /** Lines of context around each change (default 3). */
  context?: number;
}

/** `diff -u` output for two texts; '' when they are equal. */
export function unifiedDiff(oldText: string, newText: string, opts: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return '';
  const context = opts.context ?? 3;
  const ops = diffLines(splitLines(oldText), splitLines(newText));
  const out: string[] = [`--- ${opts.oldLabel ?? 'a'}`, `+++ ${opts.newLabel ?? 'b'}`];
  // Indices of changed ops, grouped into hunks whose context windows touch.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.op === 'equal') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.op !== 'equal') end++;
      let next = end;
      while (next < ops.length && ops[next]!.op === 'equal') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    for (const l of hunk(ops, start, end)) out.push(l);
    i = end;
  }
  return out.join('\n') + '\n';
}

function hunk(ops: DiffOp[], start: number, end: number): string[] {
  let oldLine = 1;
  let newLine = 1;
  for (let j = 0; j < start; j++) {
    if (ops[j]!.op !== 'insert') oldLine++;
    if (ops[j]!.op !== 'delete') newLine++;
  }
  let oldLen = 0;
  let newLen = 0;
  const body: string[] = [];
  for (let j = start; j < end; j++) {
    const { op, line } = ops[j]!;
    if (op !== 'insert') oldLen++;
    if (op !== 'delete') newLen++;
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    body.push((op === 'equal' ? ' ' : op === 'delete' ? '-' : '+') + text);
    if (!line.endsWith('\n')) body.push('\\ No newline at end of file');
  }
  const range = (first: number, len: number) => (len === 1 ? `${first}` : `${len === 0 ? first - 1 : first},${len}`);
  body.unshift(`@@ -${range(oldLine, oldLen)} +${range(newLine, newLen)} @@`);
  return body;
}
