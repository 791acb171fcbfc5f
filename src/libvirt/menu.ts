import enquirer from 'enquirer';
import { CliError, describeError } from '../util/errors.js';
import { cdroms } from './iso.js';
import { parseDomblklist, parseNameList } from './parse.js';
import { virsh } from './virsh.js';
import { escapeForTerminal } from '../shell/escape.js';

// `guestctl` without arguments on a terminal: a small menu over the host-level jobs. Each
// entry runs the same code as its command line (scan, interactive --domain, edit --domain,
// iso), so the menu adds no behaviour of its own; errors are printed and the menu comes back.

export interface MenuDeps {
  /** Runs a guestctl command line (the CLI's main) and returns its exit status. */
  dispatch: (argv: string[]) => Promise<number>;
  env?: NodeJS.ProcessEnv;
  stderr?: NodeJS.WritableStream;
  /** The terminal the prompts read and draw on (default: process.stdin / process.stdout). */
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** Ctrl-C or Esc in a prompt: the user's choice, never an error. */
class Cancelled extends Error {}
/** The prompt itself failed (not a cancel): the menu cannot go on. */
class PromptFailed extends Error {}

type Io = Pick<MenuDeps, 'stdin' | 'stdout'>;

async function ask<T>(io: Io, question: object): Promise<T> {
  const stdin = io.stdin ?? process.stdin;
  let cancelled = false;
  let ended = false;
  let prompt: { cancel(): unknown } | null = null;
  const asker = new enquirer();
  asker.on('prompt', (p: { cancel(): unknown }) => (prompt = p));
  // enquirer waits for keys forever once its input is gone: end the prompt instead.
  const onEnd = () => {
    ended = true;
    void prompt?.cancel();
  };
  stdin.once('end', onEnd);
  try {
    const q = { name: 'v', ...question, stdin, stdout: io.stdout ?? process.stdout, onCancel: () => void (cancelled = true) };
    const answer = (await asker.prompt(q as unknown as Parameters<typeof enquirer.prompt>[0])) as { v: T };
    return answer.v;
  } catch (err) {
    if (ended) throw new PromptFailed('the menu prompt failed: the terminal input ended');
    if (cancelled) throw new Cancelled();
    throw new PromptFailed(`the menu prompt failed: ${describeError(err)}`);
  } finally {
    stdin.removeListener('end', onEnd);
  }
}

export async function runMenu(deps: MenuDeps): Promise<number> {
  const env = deps.env ?? process.env;
  const stderr = deps.stderr ?? process.stderr;
  const select: Select = (message, choices) => ask<string>(deps, { type: 'select', message, choices });
  const input = (message: string) => ask<string>(deps, { type: 'input', message });
  for (;;) {
    let choice: string;
    try {
      choice = await select('guestctl: what do you want to do?', [
        { name: 'scan', message: 'Scan VMs' },
        { name: 'shell', message: 'Open a VM shell' },
        { name: 'edit', message: 'Edit a file in a VM' },
        { name: 'iso', message: 'Insert/eject an ISO' },
        { name: 'exit', message: 'Exit' },
      ]);
    } catch (err) {
      if (err instanceof Cancelled) return 130;
      stderr.write(`error: ${escapeForTerminal(describeError(err))}\n`);
      return 1;
    }
    if (choice === 'exit') return 0;
    try {
      if (choice === 'scan') await deps.dispatch(['scan']);
      else if (choice === 'shell') {
        const d = await pickDomain(select, 'Open a shell in which VM?', true, env);
        if (d) await deps.dispatch(['interactive', '--domain', d]);
      } else if (choice === 'edit') {
        const d = await pickDomain(select, 'Edit a file in which VM?', true, env);
        const path = d ? (await input('Path of the file in the guest (e.g. /etc/hosts)')).trim() : '';
        if (d && path) {
          await deps.dispatch(['edit', '--domain', d, '--', path]);
        }
      } else if (choice === 'iso') await isoMenu(deps, select, input, env);
    } catch (err) {
      if (err instanceof Cancelled) continue; // back to the menu
      stderr.write(`error: ${escapeForTerminal(describeError(err))}\n`);
      if (err instanceof PromptFailed) return 1;
    }
  }
}

type Select = (message: string, choices: { name: string; message: string }[]) => Promise<string>;

/** A domain from `virsh list` (running ones, or all); null when there is none to pick. */
async function pickDomain(select: Select, message: string, runningOnly: boolean, env: NodeJS.ProcessEnv): Promise<string | null> {
  const names = parseNameList(await virsh(['list', '--name', ...(runningOnly ? [] : ['--all'])], { env }));
  if (names.length === 0) throw new CliError('not-found', runningOnly ? 'no running domain (see: virsh list --all)' : 'no domain defined (see: virsh list --all)');
  return select(message, names.map((n) => ({ name: n, message: n })));
}

async function isoMenu(deps: MenuDeps, select: Select, input: (message: string) => Promise<string>, env: NodeJS.ProcessEnv): Promise<void> {
  const d = await pickDomain(select, 'Which VM?', false, env);
  if (!d) return;
  const drives = cdroms(parseDomblklist(await virsh(['domblklist', '--domain', d, '--details'], { env })));
  if (drives.length === 0) throw new CliError('not-found', `domain ${d} has no CD-ROM drive`);
  const target =
    drives.length === 1
      ? drives[0]!.target
      : await select(
          'Which CD-ROM drive?',
          drives.map((x) => ({ name: x.target, message: `${x.target}  ${x.source ?? '(empty)'}` })),
        );
  const drive = drives.find((x) => x.target === target)!;
  const action = await select(`${d} ${target}: ${drive.source ?? '(empty)'}`, [
    { name: 'insert', message: drive.source ? 'Insert another ISO' : 'Insert an ISO' },
    ...(drive.source ? [{ name: 'eject', message: 'Eject the medium' }] : []),
    { name: 'back', message: 'Back' },
  ]);
  if (action === 'insert') {
    const iso = (await input('Path of the ISO file on the host')).trim();
    if (iso) await deps.dispatch(['iso', 'insert', '--domain', d, '--target', target, iso]);
  } else if (action === 'eject') await deps.dispatch(['iso', 'eject', '--domain', d, '--target', target]);
}
