import { readFileSync } from 'node:fs';
import { asksForHelp } from './util/cli-args.js';
import { CliError, reportError } from './util/errors.js';
import { Output } from './shell/output.js';
import { findCliCommand, loadAllCliCommands } from './cli/index.js';
import { commandHelp, overviewHelp } from './cli/help.js';
import type { CliDeps } from './cli/spec.js';

// guestctl's entry point: picks the subcommand (src/cli/), whose spec and work are imported
// only when chosen, so `--version` and `--help` stay fast. The composition root
// (bin/guestctl.js) hands in what src/ must not import itself: the shell's command registry.

export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === '--version' || sub === '-V') {
      process.stdout.write(`guestctl ${version()}\n`);
      return 0;
    }
    if (sub === undefined && process.stdin.isTTY && process.stdout.isTTY) {
      const { runMenu } = await import('./libvirt/menu.js');
      return await runMenu({ dispatch: (line) => main(line, deps) });
    }
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      process.stdout.write(overviewHelp(await loadAllCliCommands()));
      return sub === undefined ? 2 : 0;
    }
    const entry = findCliCommand(sub);
    if (!entry) throw new CliError('usage', `unknown command '${sub}': see guestctl --help`);
    const cmd = await entry.load();
    if (asksForHelp(rest, cmd.options)) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(cmd.parse(rest, process.env), deps);
  } catch (err) {
    return reportError(err, new Output(false, false), argv.includes('--debug'));
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
