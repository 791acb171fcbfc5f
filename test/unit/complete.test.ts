import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../commands/index.js';
import { complete, type CompletionSource } from '../../src/shell/complete.js';
import type { DirEntry } from '../../src/guest/types.js';

const registry = loadRegistry();
const tree: Record<string, DirEntry[]> = {
  '/': [
    { name: 'etc', type: 'directory' },
    { name: 'env.txt', type: 'file' },
    { name: '.hidden', type: 'file' },
  ],
  '/etc': [
    { name: 'passwd', type: 'file' },
    { name: 'pam.d', type: 'directory' },
  ],
};
const src: CompletionSource = {
  commands: registry.commands,
  findCommand: (n) => registry.find(n),
  cwd: '/',
  async listGuestDir(p) {
    const entries = tree[p.replace(/\/$/, '') || '/'];
    if (!entries) throw new Error('ENOENT');
    return entries;
  },
};

describe('completion', () => {
  it('completes command names first', async () => {
    const [hits, word] = await complete('mou', src);
    expect(word).toBe('mou');
    expect(hits).toEqual(['mount ', 'mounts ']);
  });

  it('completes guest paths from the real directory, dirs with a trailing slash', async () => {
    expect((await complete('cat /e', src))[0]).toEqual(['/env.txt', '/etc/']);
    expect((await complete('cat /etc/pa', src))[0]).toEqual(['/etc/pam.d/', '/etc/passwd']);
    expect((await complete('cat e', src))[0]).toEqual(['env.txt', 'etc/']);
  });

  it('hides dot files unless asked, and completes only directories for cd', async () => {
    expect((await complete('cat /.h', src))[0]).toEqual(['/.hidden']);
    expect((await complete('cd /e', src))[0]).toEqual(['/etc/']);
  });

  it('completes options and skips option values when counting positionals', async () => {
    expect((await complete('ls --l', src))[0]).toEqual(['--long']);
    expect((await complete('help hel', src))[0]).toEqual(['help']);
  });

  it('returns nothing for unknown commands or directories', async () => {
    expect((await complete('nosuch /e', src))[0]).toEqual([]);
    expect((await complete('cat /nope/x', src))[0]).toEqual([]);
  });
});
