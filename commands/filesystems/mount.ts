import { defineCommand } from '../../src/shell/command.js';
import type { MountInfo } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { CliError } from '../../src/util/errors.js';

export const mount = defineCommand({
  name: 'mount',
  category: 'filesystems',
  summary: 'Mount a partition of the image at a guest directory',
  examples: ['mount /dev/sda1 /mnt', 'mount --ro /dev/sda5 /mnt'],
  positionals: [
    { name: 'DEVICE', complete: 'device', description: "a device from 'filesystems', e.g. /dev/sda2" },
    { name: 'GUEST_DIR', complete: 'guest-dir', description: 'an existing directory in the guest' },
  ],
  options: {
    ro: { type: 'boolean', description: 'mount read-only' },
    type: { type: 'string', short: 't', description: 'filesystem type (default: detected)', valueName: 'FSTYPE' },
  },
  needs: ['mount'],
  async run(ctx, args) {
    const mount = ctx.guest.mount;
    if (!mount) throw new CliError('unsupported', 'mount works on disk images only');
    const m = await mount.call(ctx.guest, args.str('DEVICE'), ctx.guestPath(args.str('GUEST_DIR')), {
      readOnly: args.flag('ro'),
      fstype: args.optStr('type'),
    });
    if (m.note) ctx.out.note(m.note);
    return m;
  },
  render(m: { device: string; mountpoint: string; fstype: string; options: string }, out: Output) {
    out.line(`mounted ${m.device} on ${m.mountpoint} (${m.fstype}, ${m.options})`);
  },
});
