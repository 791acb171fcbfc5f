import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/shell/output.js';
import { defineCommand, type CommandDef } from '../../src/shell/command.js';
import { execute, executeArgv, type ShellEnv } from '../../src/shell/executor.js';
import { Registry } from '../../src/shell/registry.js';
import type { Guest } from '../../src/guest/types.js';

// Output's progress reporter and the executor's one way to print: run() returns data,
// render() prints it, execute() gives it back unprinted.

function capture(json: boolean, tty: { stdout?: boolean; stderr?: boolean } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: tty.stdout });
  const stderr = Object.assign(new PassThrough(), { isTTY: tty.stderr });
  const text = { out: '', err: '' };
  stdout.on('data', (d: Buffer) => (text.out += d.toString()));
  stderr.on('data', (d: Buffer) => (text.err += d.toString()));
  return { out: new Output(json, false, { stdout, stderr }), text };
}

describe('Output.progress', () => {
  it('on a terminal: a percentage redrawn in place, only when it changes, then the line is cleared', () => {
    const { out, text } = capture(false, { stderr: true });
    const p = out.progress('downloading /x', { amount: 200, text: '200 B' });
    p.update(1);
    p.update(2);
    p.update(100);
    p.update(200);
    p.end();
    expect(text.err).toBe('\rdownloading /x: 0% of 200 B\rdownloading /x: 1% of 200 B\rdownloading /x: 50% of 200 B\rdownloading /x: 100% of 200 B\r\x1b[K');
    expect(text.out).toBe('');
  });

  it('a spinner without a total, stopped by end()', () => {
    const { out, text } = capture(false, { stderr: true });
    const p = out.progress('uploading to /y');
    p.update(5);
    p.end();
    expect(text.err).toBe('\ruploading to /y |\r\x1b[K');
  });

  it("a spinner's status: the work's latest line after the label, escaped, cut to one row", () => {
    const { out, text } = capture(false, { stderr: true });
    const p = out.progress('apt-get install hello');
    p.status('Unpacking hello (2.10-3) ...\x1b]0;owned\x07');
    p.status('x'.repeat(200));
    p.end();
    const draws = text.err.split('\r').filter(Boolean);
    expect(draws[1]).toBe('apt-get install hello | Unpacking hello (2.10-3) ...\\e]0;owned\\a');
    expect(draws[2]).toHaveLength(79);
    expect(draws[2]!.endsWith('x…')).toBe(true);
  });

  it.each([
    ['in a script (stderr is not a terminal)', false, false],
    ['with --json', true, true],
  ])('nothing %s', (_, json, tty) => {
    const { out, text } = capture(json, { stderr: tty });
    const p = out.progress('downloading /x', { amount: 10, text: '10 B' });
    p.update(5);
    p.end();
    const spinner = out.progress('spinning');
    spinner.status('Unpacking hello');
    spinner.end();
    expect(text).toEqual({ out: '', err: '' });
  });

  it('isTTY: human output to a terminal only', () => {
    expect(capture(false, { stdout: true }).out.isTTY).toBe(true);
    expect(capture(true, { stdout: true }).out.isTTY).toBe(false);
    expect(capture(false, {}).out.isTTY).toBe(false);
  });
});

describe('executor: run() returns data, render() prints it', () => {
  const greet = defineCommand({
    name: 'greet',
    category: 'shell',
    summary: 'test',
    examples: ['greet'],
    positionals: [{ name: 'WHO' }],
    async run(_ctx, args) {
      return { who: args.str('WHO') };
    },
    render(r: { who: string }, out: Output) {
      out.line(`hello ${r.who}`);
    },
  });
  const twice = defineCommand({
    name: 'twice',
    category: 'shell',
    summary: 'test',
    examples: ['twice'],
    async run(ctx) {
      const a = await ctx.invoke(['greet', 'a']);
      const b = await ctx.invoke(['nope']);
      return { a: a.data, codes: [a.code, b.code] };
    },
  });
  const env = (out: Output): ShellEnv => ({
    guest: { capabilities: new Set(), readOnly: false, kind: 'directory' } as unknown as Guest,
    registry: new Registry([{ category: 'shell', commands: [greet, twice] as CommandDef[] }]),
    out,
    prompt: {} as ShellEnv['prompt'],
    session: { cwd: '/' },
    debug: false,
    hostEnv: {},
  });
  const signal = new AbortController().signal;

  it('human: render() prints the data', async () => {
    const { out, text } = capture(false);
    expect(await executeArgv(['greet', 'bob'], env(out), signal)).toBe(0);
    expect(text.out).toBe('hello bob\n');
  });

  it('--json: exactly one JSON value', async () => {
    const { out, text } = capture(true);
    expect(await executeArgv(['greet', 'bob'], env(out), signal)).toBe(0);
    expect(JSON.parse(text.out)).toEqual({ who: 'bob' });
  });

  it('execute() and ctx.invoke give the data back unprinted; a failure is its error line and code', async () => {
    const { out, text } = capture(false);
    const r = await execute(['twice'], env(out), signal);
    expect(r).toMatchObject({ data: { a: { who: 'a' }, codes: [0, 2] }, code: 0 });
    expect(text.out).toBe('');
    expect(text.err).toMatch(/^error: .*nope/);
  });

  it('ctx.invoke with {quiet} returns the failure line instead of printing it', async () => {
    const quietly = defineCommand({
      name: 'quietly',
      category: 'shell',
      summary: 'test',
      examples: ['quietly'],
      async run(ctx) {
        const r = await ctx.invoke(['nope'], { quiet: true });
        return { code: r.code, error: r.error };
      },
    });
    const { out, text } = capture(false);
    const e = env(out);
    e.registry = new Registry([{ category: 'shell', commands: [quietly] as CommandDef[] }]);
    const r = await execute(['quietly'], e, signal);
    expect(r).toMatchObject({ data: { code: 2, error: expect.stringMatching(/nope/) }, code: 0 });
    expect(text.err).toBe('');
  });
});
