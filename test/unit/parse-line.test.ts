import { describe, expect, it } from 'vitest';
import { parseLine, unescapeContent } from '../../src/shell/parse-line.js';

describe('parseLine', () => {
  it.each([
    ['ls -l /etc', ['ls', '-l', '/etc']],
    [`write /etc/motd "hello world"`, ['write', '/etc/motd', 'hello world']],
    [`write /x 'a "b" c'`, ['write', '/x', 'a "b" c']],
    ['cat my\\ file', ['cat', 'my file']],
    ['find / -name *.conf', ['find', '/', '-name', '*.conf']],
    ['echo $HOME', ['echo', '$HOME']],
    ['ls /etc # a comment', ['ls', '/etc']],
    ['   ', []],
  ])('%s', (line, argv) => {
    expect(parseLine(line)).toEqual(argv);
  });

  it.each(['ls | wc', 'cat a > b', 'ls; rm x', 'a && b'])('refuses shell operators: %s', (line) => {
    expect(() => parseLine(line)).toThrow(/unsupported shell operator/);
  });
});

describe('unescapeContent', () => {
  it('turns \\n, \\t and \\\\ into characters', () => {
    expect(unescapeContent('a\\nb\\tc\\\\n')).toBe('a\nb\tc\\n');
  });
});
