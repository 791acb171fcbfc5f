import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../commands/index.js';
import { parseCommandArgs } from '../../src/shell/args.js';
import { parseLine } from '../../src/shell/parse-line.js';
import { updateReadme } from '../../commands/readme-table.js';
import { CATEGORIES } from '../../src/shell/categories.js';
import { readdirSync, statSync } from 'node:fs';

// One walk over the whole registry: every command is complete and its examples are valid.

const registry = loadRegistry();

describe('the command registry', () => {
  it('has unique names and aliases (the constructor refuses duplicates)', () => {
    const all = registry.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(registry.commands.map((c) => [c.name, c] as const))('%s has a category, a summary and examples that parse', (_, cmd) => {
    expect(registry.categories).toContain(cmd.category);
    expect(cmd.summary.length).toBeGreaterThan(10);
    expect(cmd.examples.length).toBeGreaterThan(0);
    for (const example of cmd.examples) {
      const [name, ...args] = parseLine(example);
      expect([cmd.name, ...(cmd.aliases ?? [])]).toContain(name);
      expect(() => parseCommandArgs(cmd, args), example).not.toThrow();
    }
  });

  it('lists the 28 categories once each, in order', () => {
    expect(CATEGORIES).toHaveLength(28);
    expect(new Set(CATEGORIES.map((c) => c.id)).size).toBe(28);
    expect(CATEGORIES.map((c) => c.order)).toEqual(CATEGORIES.map((_, i) => i + 1));
    const order = registry.categories.map((id) => CATEGORIES.findIndex((c) => c.id === id));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('keeps each command in the folder named after its category, in a file named after it', () => {
    const root = new URL('../../commands/', import.meta.url);
    const folders = readdirSync(root).filter((n) => statSync(new URL(n, root)).isDirectory());
    for (const folder of folders) expect(CATEGORIES.map((c) => c.id as string)).toContain(folder);
    for (const id of registry.categories) {
      // The Quick Setup Wizards live in the top-level wizards/ (they are built on the commands).
      const dir = id === 'setup-wizards' ? new URL('../wizards/', root) : new URL(`${id}/`, root);
      const files = readdirSync(dir).filter((n) => n.endsWith('.ts') && n !== 'index.ts');
      const names = registry.inCategory(id).map((c) => c.name);
      for (const f of files) expect(names, `${id}/${f}`).toContain(f.replace(/\.ts$/, ''));
    }
  });

  it('suggests close names for typos', () => {
    expect(registry.closest('lss')).toContain('ls');
    expect(() => registry.get('moutn')).toThrow(/did you mean mount/);
  });

  it('the README command tables are up to date (npm run readme-table)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(updateReadme(readme)).toBe(readme);
  });
});

describe('read-only sessions', () => {
  it('decide per call whether a command changes the guest', async () => {
    const { parseCommandArgs } = await import('../../src/shell/args.js');
    const hostname = registry.get('hostname');
    expect(typeof hostname.mutates).toBe('function');
    const show = parseCommandArgs(hostname, []);
    const set = parseCommandArgs(hostname, ['web01']);
    const mutates = hostname.mutates as (a: typeof show) => boolean;
    expect(mutates(show)).toBe(false);
    expect(mutates(set)).toBe(true);
  });
});
