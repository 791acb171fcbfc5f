import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/shell/parse-line.js';
import { CLI_COMMANDS, findCliCommand, loadAllCliCommands } from '../../src/cli/index.js';
import { commandHelp, overviewHelp, usage, usageLines } from '../../src/cli/help.js';
import { asksForHelp, parseArgv } from '../../src/util/cli-args.js';
import { CliError, exitCodeOf, reportError } from '../../src/util/errors.js';

// One walk over guestctl's own subcommands (src/cli/): complete specs, examples that parse,
// help generated for each.

const specs = await loadAllCliCommands();

describe('the top-level command specs', () => {
  it('have unique names and aliases, the same as their index entries', () => {
    const all = specs.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    expect(new Set(all).size).toBe(all.length);
    expect(CLI_COMMANDS.map((e) => [...e.names])).toEqual(specs.map((c) => [c.name, ...(c.aliases ?? [])]));
    expect(findCliCommand('shell')).toBe(findCliCommand('interactive'));
    expect(findCliCommand('bogus')).toBeUndefined();
  });

  it.each(specs.map((c) => [c.name, c] as const))('%s has a summary, examples that parse, and generated help', (_, cmd) => {
    expect(cmd.summary.length).toBeGreaterThan(10);
    expect(cmd.examples.length).toBeGreaterThan(0);
    for (const example of cmd.examples) {
      const [prog, name, ...args] = parseLine(example);
      expect(prog).toBe('guestctl');
      expect([cmd.name, ...(cmd.aliases ?? [])]).toContain(name);
      expect(() => cmd.parse(args, {}), example).not.toThrow();
    }
    const help = commandHelp(cmd);
    expect(help).toContain(`usage: ${usage(cmd)}\n`);
    for (const name of Object.keys(cmd.options)) expect(help).toContain(`--${name}`);
    for (const example of cmd.examples) expect(help).toContain(`  ${example}\n`);
    for (const line of usageLines(cmd)) expect(line.startsWith(`guestctl ${cmd.name} `)).toBe(true);
  });

  it('usage lines name options with their value names, repeated ones with ...', () => {
    const byName = Object.fromEntries(specs.map((c) => [c.name, c]));
    expect(usage(byName.scan!)).toMatch(/^guestctl scan \[--connect URI\]\.\.\. \[--json\]/);
    expect(usage(byName.edit!)).toBe('guestctl edit --domain NAME [--connect URI] GUEST_PATH [--local PATH] [--backup] [--json]');
    expect(usageLines(byName.interactive!)[0]).toContain('[-c CMD]...');
    expect(usage(byName.cleanup!)).toBe('guestctl cleanup [--dry-run]');
  });

  it('guestctl --help lists every usage line and summary', () => {
    const help = overviewHelp(specs);
    expect(help).toMatch(/^guestctl — a shell for libvirt\/QEMU guests\n\nusage:\n/);
    for (const c of specs) {
      for (const line of usageLines(c)) expect(help).toContain(`  ${line}\n`);
      expect(help).toContain(c.summary);
    }
    expect(help).toContain('Exit status: 0 ok, 1 failed, 2 usage, 130 cancelled.');
  });

  it('usage errors end in the usage line and exit 2', () => {
    const scan = specs.find((c) => c.name === 'scan')!;
    let err: unknown;
    try {
      scan.parse(['--bogus'], {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(`unknown option '--bogus'; usage: ${usage(scan)}`);
    expect(exitCodeOf(err)).toBe(2);
  });
});

describe('the shared argument parser', () => {
  it('parses options and positionals, and refuses unknown options with the usage line', () => {
    const opts = { n: { type: 'string', short: 'n' }, all: { type: 'boolean' } } as const;
    expect(parseArgv(['-n', '3', 'x', '--all'], opts, 'u')).toMatchObject({ values: { n: '3', all: true }, positionals: ['x'] });
    expect(() => parseArgv(['--nope'], opts, 'cmd [--all]')).toThrow("unknown option '--nope'; usage: cmd [--all]");
    expect(() => parseArgv(['-n', '-x'], opts, 'cmd')).toThrow(/^Option '-n' argument is ambiguous; usage: cmd$/);
    expect(() => parseArgv(['-n'], opts, 'cmd')).toThrow(/^Option '-n, --n <value>' argument missing; usage: cmd$/);
  });

  it('sees -h/--help as an option, not as the value of another one', () => {
    const opts = { command: { type: 'string', short: 'c' } } as const;
    expect(asksForHelp(['--help'], opts)).toBe(true);
    expect(asksForHelp(['x', '-h'], opts)).toBe(true);
    expect(asksForHelp(['-c', '-h'], opts)).toBe(false);
    expect(asksForHelp(['-c', 'help'], opts)).toBe(false);
  });
});

describe('reportError', () => {
  it('prints one error line, the stack only when debugging, and returns the exit status', () => {
    const lines: string[] = [];
    const stack: string[] = [];
    const out = { error: (t: string) => lines.push(t) };
    const stderr = { write: (t: string) => stack.push(t) } as unknown as NodeJS.WritableStream;
    expect(reportError(new CliError('usage', 'bad'), out, false, stderr)).toBe(2);
    expect(reportError(new CliError('cancelled', 'stop'), out, false, stderr)).toBe(130);
    expect(reportError(new Error('boom\nmore'), out, true, stderr)).toBe(1);
    expect(lines).toEqual(['bad', 'stop', 'boom']);
    expect(stack).toHaveLength(1);
    expect(stack[0]).toMatch(/^Error: boom/);
  });
});
