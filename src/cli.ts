import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, describeError } from './util/errors.js';

// guestctl's entry point. Heavy modules are imported lazily so `--version` stays fast.

const HELP = `guestctl — a shell for libvirt/QEMU guests

usage:
  guestctl interactive <image|dir> [--ro] [--format FMT] [-c CMD]... [--json] [--keep-going] [--no-color] [--debug]
  guestctl cleanup          remove what a killed session left behind (mounts, loop devices, daemons)
  guestctl --version

Inside the shell, 'help' lists the commands. Exit status: 0 ok, 1 failed, 2 usage, 130 cancelled.`;

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === '--version' || sub === '-V') {
      process.stdout.write(`guestctl ${version()}\n`);
      return 0;
    }
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(HELP + '\n');
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'interactive' || sub === 'shell') {
      const { runInteractive } = await import('./shell/session.js');
      return await runInteractive(parseInteractive(rest));
    }
    if (sub === 'cleanup') {
      const { runCleanup } = await import('./session/cleanup.js');
      return await runCleanup(rest);
    }
    throw new CliError('usage', `unknown command '${sub}': see guestctl --help`);
  } catch (err) {
    process.stderr.write(`error: ${describeError(err)}\n`);
    if (argv.includes('--debug') && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

export interface InteractiveOptions {
  target: string;
  readOnly: boolean;
  format?: string;
  commands: string[];
  json: boolean;
  keepGoing: boolean;
  color: boolean;
  debug: boolean;
}

function parseInteractive(argv: string[]): InteractiveOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ro: { type: 'boolean' },
        format: { type: 'string' },
        command: { type: 'string', short: 'c', multiple: true },
        json: { type: 'boolean' },
        'keep-going': { type: 'boolean' },
        'no-color': { type: 'boolean' },
        debug: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message.split('.')[0]}: see guestctl --help`);
  }
  const [target, ...extra] = parsed.positionals;
  if (!target) throw new CliError('usage', 'guestctl interactive needs an image file or a directory: guestctl interactive vm.qcow2');
  if (extra.length > 0) throw new CliError('usage', `unexpected argument '${extra[0]}'`);
  const v = parsed.values;
  return {
    target,
    readOnly: v.ro === true,
    format: v.format,
    commands: v.command ?? [],
    json: v.json === true,
    keepGoing: v['keep-going'] === true,
    color: v['no-color'] !== true && !process.env.NO_COLOR && process.stdout.isTTY === true,
    debug: v.debug === true,
  };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
