import { describe, expect, it, vi } from 'vitest';
import type { LuksHeader } from '../../src/luks/header.js';
import { makeLuksLayer, type LuksDeps } from '../../src/image/layers/luks.js';
import type { LayerContext } from '../../src/image/layers/index.js';
import { openLuksDm } from '../../src/image/luks-dm.js';
import { makeKeyFor } from '../../src/luks/key-provider.js';
import { parseKeySpec } from '../../src/luks/key-spec.js';
import type { Resource } from '../../src/resources/resource.js';
import type { ResourceStack } from '../../src/resources/stack.js';
import type { Volume } from '../../src/image/volumes.js';

const UUID = '81740be9-b468-4124-bfba-d1fb500b6e11';

function volume(over: Partial<Volume> = {}): Volume {
  return {
    device: '/dev/sda2', disk: 0, layer: 'partition', source: '/tmp/w/disk.raw', partition: 2, offset: 1048576, size: 64 << 20,
    fstype: 'crypto_LUKS', uuid: UUID, label: null, partuuid: null, partlabel: null, partType: null, usage: 'crypto', ...over,
  };
}

function fakeStack(): ResourceStack & { list: Resource[] } {
  const resources: Resource[] = [];
  return {
    list: resources,
    push: async (r: Resource) => void resources.push(r),
    release: async (match: (r: Resource) => boolean) => {
      const i = resources.findLastIndex(match);
      if (i >= 0) resources.splice(i, 1);
    },
  } as unknown as ResourceStack & { list: Resource[] };
}

function setup(opts: { version?: 1 | 2; dm?: boolean; keys?: (Buffer | null)[]; results?: ('ok' | 'wrong-key')[] }) {
  const notes: string[] = [];
  const keys = [...(opts.keys ?? [])];
  const results = [...(opts.results ?? ['ok'])];
  const open = vi.fn(async () => (results.shift() === 'wrong-key' ? ('wrong-key' as const) : { source: '/tmp/w/luks-1.raw', size: 62 << 20 }));
  const header: LuksHeader = { version: opts.version ?? 1, uuid: UUID, cipher: 'aes-xts-plain64', payloadOffset: 2 << 20, headerSize: 4096 };
  const deps: LuksDeps = {
    readHeader: async () => header,
    hasDeviceMapper: async () => opts.dm ?? false,
    openUserspace: open,
    openDm: open,
    probe: async () => ({ fstype: 'LVM2_member', uuid: 'pv-uuid', label: null, usage: 'raid' }),
  };
  const keyFor = vi.fn(async () => keys.shift() ?? null);
  const ctx: LayerContext = { readOnly: true, workDir: '/tmp/w', stack: fakeStack(), note: (t) => notes.push(t), keyFor };
  return { layer: makeLuksLayer(deps), ctx, notes, open, keyFor, deps };
}

describe('the luks layer', () => {
  it('opens a LUKS1 volume and makes /dev/mapper/luks-UUID, probed, on the opened source', async () => {
    const { layer, ctx, open } = setup({ keys: [Buffer.from('pw')] });
    const vol = volume();
    const r = await layer.expand([vol, volume({ device: '/dev/sda1', fstype: 'ext4' })], [], ctx);
    expect(r.used).toEqual([vol]);
    expect(r.made).toMatchObject([
      { device: `/dev/mapper/luks-${UUID}`, layer: 'luks', parent: '/dev/sda2', source: '/tmp/w/luks-1.raw', offset: 0, size: 62 << 20, fstype: 'LVM2_member' },
    ]);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('zeroes the key buffer once used', async () => {
    const key = Buffer.from('secret');
    const { layer, ctx } = setup({ keys: [key] });
    await layer.expand([volume()], [], ctx);
    expect(key.every((b) => b === 0)).toBe(true);
  });

  it('leaves a volume without a key locked, with a note naming --key', async () => {
    const { layer, ctx, notes, open } = setup({ keys: [] });
    const vol = volume();
    const r = await layer.expand([vol], [], ctx);
    expect(r).toEqual({ used: [vol], made: [] });
    expect(vol.note).toBe('LUKS volume /dev/sda2 is locked: give --key /dev/sda2:key:… or --key /dev/sda2:file:FILE');
    expect(notes).toEqual([vol.note]);
    expect(open).not.toHaveBeenCalled();
  });

  it('asks again after a wrong key, up to three times, then says "wrong passphrase"', async () => {
    const { layer, ctx, open } = setup({ keys: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c'), Buffer.from('d')], results: ['wrong-key', 'wrong-key', 'wrong-key'] });
    await expect(layer.expand([volume()], [], ctx)).rejects.toThrow(/^wrong passphrase for \/dev\/sda2$/);
    expect(open).toHaveBeenCalledTimes(3);
  });

  it('opens on the second try', async () => {
    const { layer, ctx } = setup({ keys: [Buffer.from('a'), Buffer.from('b')], results: ['wrong-key', 'ok'] });
    expect((await layer.expand([volume()], [], ctx)).made).toHaveLength(1);
  });

  it('a wrong key with no second one (no terminal) is the error, not a locked volume', async () => {
    const { layer, ctx } = setup({ keys: [Buffer.from('a')], results: ['wrong-key'] });
    await expect(layer.expand([volume()], [], ctx)).rejects.toThrow('wrong passphrase for /dev/sda2');
  });

  it('marks LUKS2 unusable without device-mapper, asking for no key', async () => {
    const { layer, ctx, keyFor } = setup({ version: 2, dm: false, keys: [Buffer.from('pw')] });
    const vol = volume();
    expect((await layer.expand([vol], [], ctx)).made).toEqual([]);
    expect(vol.unusable).toBe(
      "LUKS2 volume /dev/sda2 needs dm-crypt (device-mapper), which this host's kernel lacks; QEMU's userspace LUKS driver reads only LUKS1",
    );
    expect(keyFor).not.toHaveBeenCalled();
  });

  it('opens LUKS1 and LUKS2 through dm-crypt where the host has it', async () => {
    for (const version of [1, 2] as const) {
      const { layer, ctx, deps } = setup({ version, dm: true, keys: [Buffer.from('pw')] });
      const userspace = vi.spyOn(deps, 'openUserspace');
      expect((await layer.expand([volume()], [], ctx)).made).toHaveLength(1);
      expect(userspace).not.toHaveBeenCalled();
    }
  });

  it('a malformed header makes the volume unusable, named', async () => {
    const { layer, ctx, deps } = setup({});
    deps.readHeader = async () => {
      throw new Error('LUKS header: unknown version 7');
    };
    const vol = volume();
    await layer.expand([vol], [], ctx);
    expect(vol.unusable).toBe('LUKS volume /dev/sda2: LUKS header: unknown version 7');
  });

  it('skips volumes that are not LUKS or already unusable', async () => {
    const { layer, ctx } = setup({ keys: [Buffer.from('pw')] });
    expect(await layer.expand([volume({ fstype: 'ext4' }), volume({ unusable: 'x' })], [], ctx)).toEqual({ used: [], made: [] });
  });
});

describe('openLuksDm (dm-crypt; this host has no device-mapper, so a fake runner)', () => {
  function tools(code: number) {
    const calls: { tool: string; args: string[]; input: unknown; env: unknown }[] = [];
    return {
      calls,
      tools: {
        attachLoop: vi.fn(async (_p: string, _r: unknown, _ro: boolean, stack: ResourceStack) => {
          await stack.push({ kind: 'loop', device: '/dev/loop7', backing: '/tmp/w/disk.raw', offset: 1048576 });
          return '/dev/loop7';
        }),
        run: vi.fn(async (tool: string, args: string[], options: { input?: unknown; env?: unknown } = {}) => {
          calls.push({ tool, args, input: options.input, env: options.env });
          if (tool === 'cryptsetup') return { code, stdout: '', stderr: code === 2 ? 'No key available with this passphrase.\n' : code ? 'Device busy\n' : '' };
          return { code: 0, stdout: `${62 << 20}\n`, stderr: '' };
        }),
      },
    };
  }

  it('passes the key on stdin only, opens read-only in a read-only session, and records the dm device', async () => {
    const { tools: t, calls } = tools(0);
    const stack = fakeStack();
    const r = await openLuksDm(volume(), Buffer.from('hunter2'), UUID, { readOnly: true, stack }, t as never);
    const open = calls[0]!;
    expect(open.tool).toBe('cryptsetup');
    expect(open.args.slice(0, 5)).toEqual(['open', '--type', 'luks', '--key-file=-', '--readonly']);
    expect(open.args[5]).toBe('/dev/loop7');
    expect(open.args[6]).toMatch(/^guestctl-[0-9a-f]{8}-luks-81740be9$/);
    expect(String(open.input)).toBe('hunter2');
    expect(JSON.stringify(calls.map((c) => [c.args, c.env]))).not.toContain('hunter2');
    expect(stack.list).toEqual([
      { kind: 'loop', device: '/dev/loop7', backing: '/tmp/w/disk.raw', offset: 1048576 },
      { kind: 'dm', name: open.args[6], tool: 'cryptsetup' },
    ]);
    expect(r).toEqual({ source: `/dev/mapper/${open.args[6]}`, size: 62 << 20 });
  });

  it('a read-write session opens read-write', async () => {
    const { tools: t, calls } = tools(0);
    await openLuksDm(volume(), Buffer.from('k'), UUID, { readOnly: false, stack: fakeStack() }, t as never);
    expect(calls[0]!.args).not.toContain('--readonly');
  });

  it('exit 2 is a wrong key, and the loop device is released', async () => {
    const { tools: t } = tools(2);
    const stack = fakeStack();
    expect(await openLuksDm(volume(), Buffer.from('k'), UUID, { readOnly: true, stack }, t as never)).toBe('wrong-key');
    expect(stack.list).toEqual([]);
  });

  it('another failure names the volume and cryptsetup', async () => {
    const { tools: t } = tools(5);
    await expect(openLuksDm(volume(), Buffer.from('k'), UUID, { readOnly: true, stack: fakeStack() }, t as never)).rejects.toThrow(
      'cannot open the LUKS volume /dev/sda2: cryptsetup: Device busy',
    );
  });
});

describe('makeKeyFor', () => {
  const prompter = (interactive: boolean, answers: string[] = []) => ({
    interactive,
    password: vi.fn(async (_q: string) => answers.shift() ?? ''),
  });

  it('gives the --key first, then prompts on a terminal, naming device and version', async () => {
    const p = prompter(true, ['typed']);
    const keyFor = makeKeyFor([parseKeySpec('/dev/sda2:key:given')], p);
    expect(String(await keyFor(volume(), UUID, 1))).toBe('given');
    expect(String(await keyFor(volume(), UUID, 1))).toBe('typed');
    expect(p.password).toHaveBeenCalledWith('wrong passphrase for /dev/sda2; Passphrase for /dev/sda2 (LUKS1):');
  });

  it('prompts plainly when no --key was given', async () => {
    const p = prompter(true, ['typed']);
    expect(String(await makeKeyFor([], p)(volume(), UUID, 2))).toBe('typed');
    expect(p.password).toHaveBeenCalledWith('Passphrase for /dev/sda2 (LUKS2):');
  });

  it('without a terminal, gives nothing more after the --key', async () => {
    const keyFor = makeKeyFor([parseKeySpec('all:key:given')], prompter(false));
    expect(String(await keyFor(volume(), UUID, 2))).toBe('given');
    expect(await keyFor(volume(), UUID, 2)).toBeNull();
    expect(await makeKeyFor([], prompter(false))(volume(), UUID, 1)).toBeNull();
  });

  it('reads the first line of a key file, and names a missing one', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const d = mkdtempSync('/tmp/guestctl-keyfile-');
    writeFileSync(`${d}/k`, 'line one\nline two\n');
    expect(String(await makeKeyFor([parseKeySpec(`all:file:${d}/k`)], prompter(false))(volume(), UUID, 1))).toBe('line one');
    await expect(makeKeyFor([parseKeySpec(`all:file:${d}/nope`)], prompter(false))(volume(), UUID, 1)).rejects.toThrow(`--key file ${d}/nope: no such file`);
    rmSync(d, { recursive: true });
  });
});
