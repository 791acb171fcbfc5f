import { CliError } from '../util/errors.js';
import type { CommandDef } from './command.js';
import type { Guest, OsInfo } from '../guest/types.js';
import { wrongOsReason } from './guest-os.js';
import { category as categoryOf, type CategoryId } from './categories.js';

// Every command of every category plugin, looked up by name or alias.

export interface Plugin {
  category: CategoryId;
  commands: CommandDef[];
}

export class Registry {
  private readonly byName = new Map<string, CommandDef>();
  readonly commands: CommandDef[] = [];
  /** The categories that have commands, in the order of CATEGORIES. */
  readonly categories: CategoryId[];

  constructor(plugins: Plugin[]) {
    const sorted = [...plugins].sort((a, b) => categoryOf(a.category).order - categoryOf(b.category).order);
    this.categories = sorted.map((p) => p.category);
    if (new Set(this.categories).size !== this.categories.length) throw new Error('internal: two plugins for one category');
    for (const plugin of sorted) {
      for (const cmd of plugin.commands) {
        if (cmd.category !== plugin.category) throw new Error(`internal: ${cmd.name} is in ${plugin.category} but says ${cmd.category}`);
        this.commands.push(cmd);
        for (const name of [cmd.name, ...(cmd.aliases ?? [])]) {
          if (this.byName.has(name)) throw new Error(`internal: duplicate command name ${name}`);
          this.byName.set(name, cmd);
        }
      }
    }
  }

  find(name: string): CommandDef | undefined {
    return this.byName.get(name);
  }

  get(name: string): CommandDef {
    const cmd = this.find(name);
    if (cmd) return cmd;
    const close = this.closest(name);
    const hint = close.length > 0 ? `; did you mean ${close.join(', ')}?` : `; type 'help' for the list`;
    throw new CliError('usage', `unknown command '${name}'${hint}`);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  inCategory(category: CategoryId): CommandDef[] {
    return this.commands.filter((c) => c.category === category);
  }

  /** The nearest names by edit distance (and prefix matches), for "did you mean". */
  closest(name: string, max = 3): string[] {
    return closestNames(name, this.names(), max);
  }
}

/** The candidates closest to a mistyped name (a prefix either way counts as distance 1), best first. */
export function closestNames(name: string, candidates: readonly string[], max = 3): string[] {
  const scored = candidates
    .map((n) => ({ n, d: n.startsWith(name) || name.startsWith(n) ? 1 : editDistance(name, n) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, max).map((x) => x.n);
}

/**
 * Why this guest cannot run the command (from its `needs`), as the end of a sentence that
 * starts with the command's name; undefined when it can. The executor refuses with it and
 * `help` marks the command with it.
 */
export function unservableReason(cmd: CommandDef, guest: Pick<Guest, 'capabilities' | 'kind'> & { os?: Pick<OsInfo, 'type'> }): string | undefined {
  const wrongOs = wrongOsReason(cmd, guest.os?.type);
  if (wrongOs !== undefined) return wrongOs;
  const missing = (cmd.needs ?? []).find((need) => !guest.capabilities.has(need));
  if (missing === undefined) return undefined;
  if (missing === 'live') return 'needs a running guest: open it with --domain NAME';
  if (missing === 'mount') return `works on disk images only: this guest is ${guest.kind === 'live' ? 'a running VM' : 'a directory'}`;
  if (missing === 'exec') return 'needs to run programs in the guest, which this guest does not allow';
  return 'is not available on this guest';
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
