import { describe, expect, it } from 'vitest';
import { assembleArgs, assembleArray, uniqueArrayName } from '../../src/md/assemble.js';
import type { ResourceStack } from '../../src/resources/stack.js';
import type { Resource } from '../../src/resources/resource.js';

// This host has no md driver (no /proc/mdstat): the assembly is checked through a fake runner.

function fakeStack(): { stack: ResourceStack; pushed: Resource[] } {
  const pushed: Resource[] = [];
  return { stack: { push: async (r: Resource) => void pushed.push(r) } as unknown as ResourceStack, pushed };
}

describe('md assembly argv', () => {
  it('assembles under a guestctl name, without the host config, read-only when asked', () => {
    expect(assembleArgs('/dev/md/guestctl-0badf00d', ['/dev/loop3', '/dev/loop4'], true)).toEqual([
      '--assemble', '/dev/md/guestctl-0badf00d', '--run', '--config=none', '--readonly', '--', '/dev/loop3', '/dev/loop4',
    ]);
    expect(assembleArgs('/dev/md/guestctl-0badf00d', ['/dev/loop3'], false)).not.toContain('--readonly');
  });

  it('names arrays uniquely', () => {
    expect(uniqueArrayName()).toMatch(/^\/dev\/md\/guestctl-[0-9a-f]{8}$/);
    expect(uniqueArrayName()).not.toBe(uniqueArrayName());
  });

  it('records the array for mdadm --stop and reports its size', async () => {
    const calls: string[][] = [];
    const { stack, pushed } = fakeStack();
    const run = async (tool: string, args: string[]) => {
      calls.push([tool, ...args]);
      return tool === 'blockdev' ? { code: 0, stdout: '66060288\n', stderr: '' } : { code: 0, stdout: '', stderr: '' };
    };
    const md = await assembleArray(['/dev/loop3', '/dev/loop4'], { readOnly: false, stack, run, name: '/dev/md/guestctl-12345678' });
    expect(md).toEqual({ device: '/dev/md/guestctl-12345678', size: 66060288 });
    expect(pushed).toEqual([{ kind: 'md', device: '/dev/md/guestctl-12345678' }]);
    expect(calls[1]).toEqual(['blockdev', '--getsize64', '/dev/md/guestctl-12345678']);
  });

  it('fails naming mdadm when assembly fails, recording nothing', async () => {
    const { stack, pushed } = fakeStack();
    const run = async () => ({ code: 1, stdout: '', stderr: 'mdadm: /dev/loop3 has no superblock - assembly aborted\n' });
    await expect(assembleArray(['/dev/loop3'], { readOnly: true, stack, run, name: '/dev/md/guestctl-12345678' })).rejects.toThrow(
      /mdadm --assemble \/dev\/md\/guestctl-12345678: mdadm: \/dev\/loop3 has no superblock/,
    );
    expect(pushed).toEqual([]);
  });
});
