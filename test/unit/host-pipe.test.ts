import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeToHost } from '../../src/shell/host-pipe.js';
import { Output } from '../../src/shell/output.js';
import { parseLine, parsePipedLine } from '../../src/shell/parse-line.js';

describe('parsePipedLine', () => {
  it.each([
    ['cat /etc/passwd | grep root', { argv: ['cat', '/etc/passwd'], host: 'grep root' }],
    ['cat /x | grep a | wc -l', { argv: ['cat', '/x'], host: 'grep a | wc -l' }],
    [`cat "/a|b" | grep 'x|y'`, { argv: ['cat', '/a|b'], host: `grep 'x|y'` }],
    [`write /x 'a | b'`, { argv: ['write', '/x', 'a | b'] }],
    ['cat a\\|b', { argv: ['cat', 'a|b'] }],
    ['ls /etc # not | a pipe', { argv: ['ls', '/etc'] }],
    ['ls /etc', { argv: ['ls', '/etc'] }],
  ])('%s', (line, parsed) => {
    expect(parsePipedLine(line)).toEqual(parsed);
  });

  it.each([
    ['cat /x |', /nothing after '\|'/],
    ['cat /x |   ', /nothing after '\|'/],
    ['| grep x', /nothing before '\|'/],
    ['ls || wc', /unsupported shell operator '\|\|'/],
    ['ls |& wc', /unsupported shell operator '\|&'/],
    ['ls > x | wc', /unsupported shell operator '>'/],
  ])('refuses %s', (line, error) => {
    expect(() => parsePipedLine(line)).toThrow(error);
  });

  it('parseLine alone still refuses the pipe (it is one command)', () => {
    expect(() => parseLine('ls | wc')).toThrow(/unsupported shell operator/);
  });
});

describe('pipeToHost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-pipe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const output = (json = false) => {
    const stderr = new PassThrough();
    const text = { out: '', err: '' };
    const stdout = new PassThrough();
    stdout.on('data', (d: Buffer) => (text.out += d.toString()));
    stderr.on('data', (d: Buffer) => (text.err += d.toString()));
    return { out: new Output(json, true, { stdout, stderr }), text };
  };

  it("feeds the command's output to the host command, uncoloured, and returns the host status", async () => {
    const { out, text } = output();
    const file = join(dir, 'a');
    const code = await pipeToHost(`cat > ${file}; exit 3`, out, new AbortController().signal, async (piped) => {
      piped.line(piped.color.red('ID=debian'));
      piped.line('VERSION_ID="12"');
      return 0;
    });
    expect(code).toBe(3);
    expect(readFileSync(file, 'utf8')).toBe('ID=debian\nVERSION_ID="12"\n');
    expect(text.out).toBe('');
  });

  it("a failing command's status wins; the host command still sees end of input", async () => {
    const { out } = output();
    const file = join(dir, 'b');
    const code = await pipeToHost(`wc -l > ${file}`, out, new AbortController().signal, async (piped) => {
      piped.line('partial');
      piped.error('no such file or directory: /x');
      return 2;
    });
    expect(code).toBe(2);
    expect(readFileSync(file, 'utf8').trim()).toBe('1');
  });

  it('--json output goes through the pipe', async () => {
    const { out } = output(true);
    const file = join(dir, 'c');
    await pipeToHost(`cat > ${file}`, out, new AbortController().signal, async (piped) => {
      piped.printJson({ a: 1 });
      return 0;
    });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: 1 });
  });

  it('a host command that stops reading early is not an error', async () => {
    const { out, text } = output();
    const code = await pipeToHost('exec head -c 1 >/dev/null', out, new AbortController().signal, async (piped) => {
      for (let i = 0; i < 2000; i++) piped.line('x'.repeat(1000));
      await new Promise((r) => setTimeout(r, 200));
      piped.line('after the reader left');
      return 0;
    });
    expect(code).toBe(0);
    expect(text.err).toBe('');
  });

  it('cancelling the line stops the host command', async () => {
    const { out } = output();
    const ac = new AbortController();
    const code = await pipeToHost('exec sleep 60', out, ac.signal, async () => {
      ac.abort();
      return 130;
    });
    expect(code).toBe(130);
  });
});
