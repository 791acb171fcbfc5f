import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { Output } from '../../src/shell/output.js';

describe('escapeForTerminal', () => {
  it.each([
    ['plain name.txt', 'plain name.txt'],
    ['\x1b[2Jclear', '\\e[2Jclear'],
    ['\x1b]0;owned\x07title', '\\e]0;owned\\atitle'],
    ['two\nlines\r\tand tab', 'two\\nlines\\r\\tand tab'],
    ['\x00\x01\x7f\b\f\v', '\\x00\\x01\\x7f\\b\\f\\v'],
    ['c1 \u009b2J csi', 'c1 \\u009b2J csi'],
    ['bidi \u202eexe.txt \u2066x\u2069', 'bidi \\u202eexe.txt \\u2066x\\u2069'],
    ['C:\\Windows\\System32', 'C:\\Windows\\System32'],
    ['ünïcödé ✓ 日本', 'ünïcödé ✓ 日本'],
  ])('%j → %j', (raw, shown) => {
    expect(escapeForTerminal(raw)).toBe(shown);
  });

  it('multi-line text keeps its newlines and tabs, escapes the rest', () => {
    expect(escapeLinesForTerminal('a\tb\n\x1b[31mred\r\n')).toBe('a\tb\n\\e[31mred\\r\n');
  });
});

describe('Output escapes guest text in tables, notes and errors, never in --json', () => {
  const capture = (json: boolean) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const text = { out: '', err: '' };
    stdout.on('data', (d: Buffer) => (text.out += d.toString()));
    stderr.on('data', (d: Buffer) => (text.err += d.toString()));
    return { out: new Output(json, false, { stdout, stderr }), text };
  };

  it('human output', () => {
    const { out, text } = capture(false);
    out.table(['NAME', 'GECOS'], [['eve', 'Eve\x1b]0;pwned\x07\nroot']]);
    out.note('cannot read /x\x1b[2J');
    out.error('no such file: a\nb');
    expect(text.out).toBe('NAME  GECOS\neve   Eve\\e]0;pwned\\a\\nroot\n');
    expect(text.err).toBe('note: cannot read /x\\e[2J\nerror: no such file: a\\nb\n');
  });

  it('--json is exact', () => {
    const { out, text } = capture(true);
    out.printJson({ name: 'a\x1b[2J\n' });
    expect(JSON.parse(text.out)).toEqual({ name: 'a\x1b[2J\n' });
  });
});
