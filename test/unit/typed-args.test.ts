import { describe, expect, it } from 'vitest';
import { defineCommand, type CommandDef } from '../../src/shell/command.js';
import { parseCommandArgs } from '../../src/shell/args.js';
import { chmod } from '../../commands/file-management/chmod.js';

// Argument names are typed from each command's own spec: `tsc -p tsconfig.json` (which covers
// test/) fails if any `@ts-expect-error` below stops being an error, i.e. if a misspelled
// name, a flag read as a string or a string read as a flag would compile again.

const sample = defineCommand({
  name: 'sample',
  category: 'shell',
  summary: 'a command that only exists in this test',
  examples: ['sample 755 /a /b --force --owner root --tag x --tag y'],
  positionals: [
    { name: 'MODE', description: 'a mode' },
    { name: 'PATHS', variadic: true },
  ],
  options: {
    force: { type: 'boolean', description: 'force' },
    owner: { type: 'string', description: 'owner' },
    tag: { type: 'string', multiple: true, description: 'tags' },
  },
  mutates: (args) => !args.flag('force'),
  async run(_ctx, args) {
    return {
      mode: args.str('MODE'),
      owner: args.optStr('owner'),
      paths: args.list('PATHS'),
      tags: args.list('tag'),
      force: args.flag('force'),
    };
  },
});

function compileTimeOnly(): void {
  defineCommand({
    ...sample,
    async run(_ctx, args) {
      // @ts-expect-error a misspelled positional
      args.str('MDOE');
      // @ts-expect-error a misspelled option
      args.optStr('ower');
      // @ts-expect-error a variadic positional is a list, not a string
      args.str('PATHS');
      // @ts-expect-error a multiple option is a list, not a string
      args.optStr('tag');
      // @ts-expect-error a single positional is not a list
      args.list('MODE');
      // @ts-expect-error a string option is not a flag
      args.flag('owner');
      // @ts-expect-error a flag is not a string
      args.optStr('force');
      // @ts-expect-error undeclared flag
      args.flag('dry-run');
    },
  });
  defineCommand({
    name: 'bare',
    category: 'shell',
    summary: 'a command without arguments',
    examples: ['bare'],
    async run(_ctx, args) {
      // @ts-expect-error no arguments are declared at all
      args.optStr('ANYTHING');
      return args.raw;
    },
  });
  // The real commands are typed too.
  const chmodArgs: Parameters<typeof chmod.run>[1] = parseCommandArgs(chmod, ['644', '/x']);
  chmodArgs.str('MODE');
  // @ts-expect-error chmod declares MODE and PATH only
  chmodArgs.str('NOPE');
}

describe('typed arguments', () => {
  it('a typed command is still a plain CommandDef for the registry, and reads what it declares', async () => {
    const erased: CommandDef = sample;
    const args = parseCommandArgs(erased, ['755', '/a', '/b', '--force', '--owner', 'root', '--tag', 'x', '--tag', 'y']);
    expect(await erased.run({} as never, args)).toEqual({ mode: '755', owner: 'root', paths: ['/a', '/b'], tags: ['x', 'y'], force: true });
    expect(typeof erased.mutates === 'function' && erased.mutates(args)).toBe(false);
    expect(typeof compileTimeOnly).toBe('function');
  });
});
