import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../commands/index.js';
import { DRY_RUN } from '../../src/shell/dry-run.js';

// Every command that can change the guest takes --dry-run (issue 13): a command added later
// without it fails here, not in a user's image.

const registry = loadRegistry();

describe('--dry-run coverage', () => {
  const canMutate = registry.commands.filter((c) => c.mutates === true || typeof c.mutates === 'function');

  it('finds the mutating commands', () => {
    expect(canMutate.length).toBeGreaterThan(40);
  });

  it('gives every command that can change the guest a boolean --dry-run', () => {
    const missing = canMutate.filter((c) => c.options?.[DRY_RUN]?.type !== 'boolean').map((c) => c.name);
    expect(missing).toEqual([]);
  });
});
