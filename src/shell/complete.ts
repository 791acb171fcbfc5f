import { posix } from 'node:path';
import type { DirEntry } from '../guest/types.js';
import type { CommandDef, Completion } from './command.js';

// Tab completion: command names first, then each argument by what the command declares
// (guest paths are listed from the real guest directory; directories get a trailing '/').

export interface CompletionSource {
  commands: readonly CommandDef[];
  findCommand(name: string): CommandDef | undefined;
  cwd: string;
  listGuestDir(path: string): Promise<DirEntry[]>;
}

export async function complete(line: string, src: CompletionSource): Promise<[string[], string]> {
  const words = line.split(/\s+/);
  const current = words[words.length - 1] ?? '';
  if (words.length <= 1) {
    const names = src.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    return [[...new Set(names)].filter((n) => n.startsWith(current)).sort().map((n) => n + ' '), current];
  }
  const cmd = src.findCommand(words[0]!);
  if (!cmd) return [[], current];
  if (current.startsWith('-')) {
    const opts = Object.keys(cmd.options ?? {}).map((o) => `--${o}`);
    return [opts.filter((o) => o.startsWith(current)), current];
  }
  const kind = completionFor(cmd, words.slice(1, -1));
  if (kind === 'guest-path' || kind === 'guest-dir') return [await completeGuestPath(current, kind === 'guest-dir', src), current];
  if (kind === 'command') return [src.commands.map((c) => c.name).filter((n) => n.startsWith(current)).sort(), current];
  return [[], current];
}

/** Which kind of value the next positional takes, skipping options (and their values). */
export function completionFor(cmd: CommandDef, before: string[]): Completion {
  let index = 0;
  for (let i = 0; i < before.length; i++) {
    const w = before[i]!;
    if (w.startsWith('-')) {
      const name = w.replace(/^--?/, '');
      const spec = cmd.options?.[name] ?? Object.values(cmd.options ?? {}).find((o) => o.short === name);
      if (spec?.type === 'string' && !w.includes('=')) i++;
      continue;
    }
    index++;
  }
  const specs = cmd.positionals ?? [];
  const spec = specs[Math.min(index, specs.length - 1)];
  if (!spec || (index >= specs.length && !spec.variadic)) return cmd.rawArgs ? 'guest-path' : 'none';
  return spec.complete ?? 'none';
}

async function completeGuestPath(word: string, dirsOnly: boolean, src: CompletionSource): Promise<string[]> {
  const slash = word.lastIndexOf('/');
  const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
  const prefix = slash >= 0 ? word.slice(slash + 1) : word;
  const dir = dirPart.startsWith('/') ? dirPart : posix.join(src.cwd, dirPart || '.');
  let entries: DirEntry[];
  try {
    entries = await src.listGuestDir(dir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')))
    .filter((e) => !dirsOnly || e.type === 'directory' || e.type === 'symlink')
    .map((e) => dirPart + e.name + (e.type === 'directory' ? '/' : ''))
    .sort();
}
