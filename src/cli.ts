import { readFileSync } from 'node:fs';
import { parseCliArgs } from './util/cli-args.js';
import { CliError, describeError } from './util/errors.js';
import { escapeForTerminal } from './shell/escape.js';

// guestctl's entry point. Heavy modules are imported lazily so `--version` stays fast.

const HELP = `guestctl — a shell for libvirt/QEMU guests

usage:
  guestctl interactive <image|dir> [--ro] [--format FMT] [-c CMD]... [--json] [--keep-going] [--no-color] [--debug]
  guestctl interactive --domain NAME [--connect URI] [--ro] [-c CMD]...   a running VM, through its guest agent
  guestctl interactive --agent-socket PATH [--ro] [-c CMD]...            a running VM, through the agent's UNIX socket
  guestctl scan [--connect URI]... [--json] [--watch SECONDS] [--serve ADDR:PORT]   every VM: state, OS, memory, CPU, addresses
  guestctl iso list|insert|eject --domain NAME [ISO] [--target DEV] [--force]       CD-ROM media of a VM
  guestctl edit --domain NAME [--connect URI] GUEST_PATH [--local PATH] [--backup]   edit a file of a running VM with $EDITOR
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
    if (sub === undefined && process.stdin.isTTY && process.stdout.isTTY) {
      const { runMenu } = await import('./libvirt/menu.js');
      return await runMenu({ dispatch: main });
    }
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(HELP + '\n');
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'interactive' || sub === 'shell') {
      const { runInteractive } = await import('./shell/session.js');
      return await runInteractive(parseInteractive(rest));
    }
    if (sub === 'scan') {
      const { runScan } = await import('./libvirt/scan-cli.js');
      return await runScan(rest);
    }
    if (sub === 'iso') {
      const { runIso } = await import('./libvirt/iso.js');
      return await runIso(rest);
    }
    if (sub === 'edit') {
      const { parseEditArgs, runLiveEdit } = await import('./edit-cli.js');
      return await runLiveEdit(parseEditArgs(rest));
    }
    if (sub === 'cleanup') {
      const { runCleanup } = await import('./resources/cleanup.js');
      return await runCleanup(rest);
    }
    throw new CliError('usage', `unknown command '${sub}': see guestctl --help`);
  } catch (err) {
    process.stderr.write(`error: ${escapeForTerminal(describeError(err))}\n`);
    if (argv.includes('--debug') && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

export interface InteractiveOptions {
  /** An image or directory; empty when a running guest is opened (--domain / --agent-socket). */
  target: string;
  /** A running VM: its guest agent socket, or its libvirt domain (and URI). */
  agentSocket?: string;
  domain?: string;
  connect?: string;
  readOnly: boolean;
  format?: string;
  commands: string[];
  json: boolean;
  keepGoing: boolean;
  color: boolean;
  debug: boolean;
}

function parseInteractive(argv: string[]): InteractiveOptions {
  const parsed = parseCliArgs(
    argv,
    {
    ro: { type: 'boolean' },
    format: { type: 'string' },
    command: { type: 'string', short: 'c', multiple: true },
    json: { type: 'boolean' },
    'keep-going': { type: 'boolean' },
    'no-color': { type: 'boolean' },
    debug: { type: 'boolean' },
    'agent-socket': { type: 'string' },
    domain: { type: 'string' },
    connect: { type: 'string' },
  },
    'see guestctl --help',
  );
  const [target, ...extra] = parsed.positionals;
  const v = parsed.values;
  const live = v['agent-socket'] !== undefined || v.domain !== undefined;
  if (v['agent-socket'] !== undefined && v.domain !== undefined) throw new CliError('usage', 'give either --domain NAME or --agent-socket PATH, not both');
  if (v.connect !== undefined && v.domain === undefined) throw new CliError('usage', '--connect goes with --domain NAME');
  if (live && target) throw new CliError('usage', `unexpected argument '${target}': a running guest is opened with --domain or --agent-socket alone`);
  if (live && v.format !== undefined) throw new CliError('usage', '--format is for disk images, not running guests');
  if (!live && !target)
    throw new CliError('usage', 'guestctl interactive needs an image file, a directory, --domain NAME or --agent-socket PATH: guestctl interactive vm.qcow2');
  if (extra.length > 0) throw new CliError('usage', `unexpected argument '${extra[0]}'`);
  return {
    target: target ?? '',
    ...(v['agent-socket'] !== undefined ? { agentSocket: v['agent-socket'] } : {}),
    ...(v.domain !== undefined ? { domain: v.domain } : {}),
    ...(v.connect !== undefined ? { connect: v.connect } : {}),
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
