import { describe, expect, it } from 'vitest';
import { matchLineEndings, usesCrlf } from '../../src/editors/line-endings.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('matchLineEndings', () => {
  it.each([
    ['127.0.0.1 localhost\r\n::1 localhost\r\n', true],
    ['one line, no break', false],
    ['unix\nlines\n', false],
    ['mixed\r\nlines\n', false],
  ])('usesCrlf(%j) = %s', (text, expected) => {
    expect(usesCrlf(b(text))).toBe(expected);
  });

  it('makes new line breaks CRLF in a CRLF file, leaves others as typed', () => {
    const windows = b('# hosts\r\n127.0.0.1 localhost\r\n');
    expect(matchLineEndings(windows, b('10.0.0.5 db\n10.0.0.6 web\r\n')).toString('latin1')).toBe('10.0.0.5 db\r\n10.0.0.6 web\r\n');
    expect(matchLineEndings(b('a\nb\n'), b('c\n')).toString('latin1')).toBe('c\n');
    expect(matchLineEndings(b(''), b('c\n')).toString('latin1')).toBe('c\n');
  });
});
