import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/parsers/diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('prints a one-line change with three lines of context', () => {
    const old = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\n';
    const neu = 'l1\nl2\nl3\nL4\nl5\nl6\nl7\n';
    expect(unifiedDiff(old, neu, { oldLabel: '/etc/x', newLabel: '/etc/x' })).toBe(
      ['--- /etc/x', '+++ /etc/x', '@@ -1,7 +1,7 @@', ' l1', ' l2', ' l3', '-l4', '+L4', ' l5', ' l6', ' l7', ''].join('\n'),
    );
  });

  it('splits distant changes into hunks and merges close ones', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const changed = [...lines];
    changed[2] = 'CHANGED 3';
    changed[25] = 'CHANGED 26';
    const d = unifiedDiff(lines.join('\n') + '\n', changed.join('\n') + '\n');
    expect(d.match(/^@@.*$/gm)).toEqual(['@@ -1,6 +1,6 @@', '@@ -23,7 +23,7 @@']);
    changed[8] = 'CHANGED 9'; // 5 equal lines between 3 and 9: <= 2*3, one hunk
    expect(unifiedDiff(lines.join('\n') + '\n', changed.join('\n') + '\n').match(/^@@.*$/gm)).toEqual(['@@ -1,12 +1,12 @@', '@@ -23,7 +23,7 @@']);
  });

  it('handles creation, deletion and a missing final newline like diff -u', () => {
    expect(unifiedDiff('', 'new\n')).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n');
    expect(unifiedDiff('old\n', '')).toBe('--- a\n+++ b\n@@ -1 +0,0 @@\n-old\n');
    expect(unifiedDiff('a\n', 'a')).toBe('--- a\n+++ b\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n');
  });
});

// Property: GNU patch applies our diff and gets the new text back; and the number of changed
// lines is minimal (the same as GNU diff's).
describe('against GNU diff and patch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-diff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const randomText = () => Array.from({ length: rand(40) }, () => `w${rand(8)}\n`).join('') + (rand(4) === 0 ? 'tail' : '');
  const mutate = (text: string) => {
    const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    for (let k = rand(6); k >= 0; k--) {
      const at = rand(lines.length + 1);
      const r = rand(3);
      if (r === 0) lines.splice(at, 1);
      else if (r === 1) lines.splice(at, 0, `new${rand(5)}\n`);
      else if (at < lines.length) lines[at] = `changed${rand(5)}\n`;
    }
    return lines.join('');
  };
  const changedLines = (d: string) => d.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;

  it.each(Array.from({ length: 60 }, (_, i) => i))('random case %d', () => {
    const a = randomText();
    const b = mutate(a);
    const ours = unifiedDiff(a, b);
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    let gnu = '';
    try {
      gnu = execFileSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
    } catch (err) {
      gnu = String((err as { stdout: string }).stdout);
    }
    if (a === b) {
      expect(ours).toBe('');
      return;
    }
    expect(changedLines(ours)).toBe(changedLines(gnu));
    writeFileSync(join(dir, 'p'), ours);
    execFileSync('patch', ['-s', '-o', join(dir, 'out'), join(dir, 'a'), join(dir, 'p')]);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(b);
  });
});
