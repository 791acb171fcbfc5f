import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../commands/index.js';
import { help } from '../../commands/system-information/help.js';
import type { CommandContext } from '../../src/shell/command.js';
import { parseCommandArgs } from '../../src/shell/args.js';
import { Output } from '../../src/shell/output.js';
import { unservableReason } from '../../src/shell/registry.js';
import type { Guest, GuestCapability } from '../../src/guest/types.js';

// `help` marks what this guest cannot run, with the reason the executor refuses it with.

const registry = loadRegistry();

function stubGuest(kind: Guest['kind'], capabilities: GuestCapability[]): Guest {
  return { kind, capabilities: new Set(capabilities) } as Partial<Guest> as Guest;
}

async function runHelp(guest: Guest, argv: string[], json: boolean): Promise<{ data: unknown; stdout: string }> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  const out = new Output(json, false, { stdout, stderr: new PassThrough() });
  const ctx = { guest, out, json, commands: registry.commands } as Partial<CommandContext> as CommandContext;
  const args = parseCommandArgs(help, argv);
  const data = await help.run(ctx, args);
  if (!json) help.render!(data as never, out, args);
  return { data, stdout: text };
}

type Listing = { category: string; commands: { name: string; available: boolean; reason?: string }[] }[];
const entry = (data: unknown, name: string) => (data as Listing).flatMap((c) => c.commands).find((c) => c.name === name);

describe('help on a running VM (live, exec, fs; no mount)', () => {
  const vm = stubGuest('live', ['fs', 'exec', 'live']);

  it('marks the disk-image-only commands, with the reason; the rest are available', async () => {
    const { data } = await runHelp(vm, [], true);
    expect(entry(data, 'mount')).toMatchObject({ available: false, reason: 'works on disk images only: this guest is a running VM' });
    expect(entry(data, 'filesystems')).toMatchObject({ available: false });
    expect(entry(data, 'ps')).toEqual({ name: 'ps', summary: registry.get('ps').summary, available: true });
  });

  it('human listing: the reason after the summary', async () => {
    const { stdout } = await runHelp(vm, [], false);
    expect(stdout).toMatch(/^ {2}mount +.*\(unavailable: works on disk images only: this guest is a running VM\)$/m);
    expect(stdout).not.toMatch(/^ {2}ps .*unavailable/m);
  });
});

describe('help on a disk image (fs, exec, mount; not live)', () => {
  const image = stubGuest('image', ['fs', 'exec', 'mount']);

  it('ps is marked, in the list and in `help ps`', async () => {
    expect(entry((await runHelp(image, [], true)).data, 'ps')).toMatchObject({ available: false, reason: 'needs a running guest: open it with --domain NAME' });
    expect((await runHelp(image, ['ps'], true)).data).toMatchObject({ name: 'ps', available: false });
    expect((await runHelp(image, ['ps'], false)).stdout).toContain('unavailable here: ps needs a running guest: open it with --domain NAME');
  });

  it("every command's mark agrees with the executor's refusal rule", async () => {
    const { data } = await runHelp(image, [], true);
    for (const cmd of registry.commands) expect(entry(data, cmd.name)?.available, cmd.name).toBe(unservableReason(cmd, image) === undefined);
  });
});
