import type { CliCommand } from './spec.js';

// guestctl's subcommands, in the order `guestctl --help` lists them. Each spec is imported
// only when it is needed: `guestctl scan` loads the scan spec alone.

export interface CliEntry {
  /** The name and aliases; the spec test checks they match the spec's own. */
  names: readonly string[];
  load(): Promise<CliCommand>;
}

const spec = (m: { default: CliCommand }) => m.default;

export const CLI_COMMANDS: readonly CliEntry[] = [
  { names: ['interactive', 'shell'], load: () => import('./interactive.js').then(spec) },
  { names: ['scan'], load: () => import('./scan.js').then(spec) },
  { names: ['iso'], load: () => import('./iso.js').then(spec) },
  { names: ['edit'], load: () => import('./edit.js').then(spec) },
  { names: ['diff'], load: () => import('./diff.js').then(spec) },
  { names: ['cleanup'], load: () => import('./cleanup.js').then(spec) },
];

export function findCliCommand(name: string): CliEntry | undefined {
  return CLI_COMMANDS.find((c) => c.names.includes(name));
}

export function loadAllCliCommands(): Promise<CliCommand[]> {
  return Promise.all(CLI_COMMANDS.map((c) => c.load()));
}
