import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fitWidth } from '../../src/shell/live-region.js';
import { Output } from '../../src/shell/output.js';

// The redrawn lines of a watch (Terminal.liveRegion) and its JSON lines (Output.jsonLine).

function capture(json: boolean, tty: boolean, columns?: number) {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty, columns });
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  const text = { out: '' };
  stdout.on('data', (d: Buffer) => (text.out += d.toString()));
  return { out: new Output(json, false, { stdout, stderr }), text };
}

describe('live region', () => {
  it('on a terminal: drawn, then redrawn in place (cursor up over the last drawing, each line cleared)', () => {
    const { out, text } = capture(false, true, 40);
    const region = out.terminal.liveRegion();
    region.draw(['one', 'two']);
    region.draw(['ONE', 'TWO', 'THREE']);
    expect(text.out).toBe('\r\x1b[2Kone\n\r\x1b[2Ktwo\n' + '\x1b[2A\r\x1b[2KONE\n\r\x1b[2KTWO\n\r\x1b[2KTHREE\n');
  });

  it('a shorter drawing clears what the longer one left below it', () => {
    const { out, text } = capture(false, true, 40);
    const region = out.terminal.liveRegion();
    region.draw(['a', 'b', 'c']);
    text.out = '';
    region.draw(['x']);
    expect(text.out).toBe('\x1b[3A\r\x1b[2Kx\n\x1b[J');
  });

  it('lines are cut to the width minus one (one line, one row), colour sequences taking no room', () => {
    const { out, text } = capture(false, true, 6);
    out.terminal.liveRegion().draw(['abcdefgh', '\x1b[1mbold\x1b[22m text', '▁▂▃▄▅▆▇█']);
    expect(text.out).toBe('\r\x1b[2Kabcde\n\r\x1b[2K\x1b[1mbold\x1b[22m \x1b[0m\n\r\x1b[2K▁▂▃▄▅\n');
    expect(fitWidth('short', 10)).toBe('short');
  });

  it('in a pipe each drawing is appended; with --json nothing is drawn', () => {
    const pipe = capture(false, false);
    const r = pipe.out.terminal.liveRegion();
    r.draw(['a', 'b']);
    r.draw(['c']);
    expect(pipe.text.out).toBe('a\nb\nc\n');
    const json = capture(true, true);
    json.out.terminal.liveRegion().draw(['a']);
    expect(json.text.out).toBe('');
  });

  it('terminal width: the stream columns, 80 when unknown', () => {
    expect(capture(false, true, 132).out.terminal.columns).toBe(132);
    expect(capture(false, true).out.terminal.columns).toBe(80);
  });
});

describe('Output.jsonLine', () => {
  it('one compact JSON value a line', () => {
    const { out, text } = capture(true, false);
    out.jsonLine({ a: 1, b: [1, 2] });
    out.jsonLine(undefined);
    expect(text.out).toBe('{"a":1,"b":[1,2]}\nnull\n');
  });
});
