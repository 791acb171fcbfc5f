import { defineCommand } from '../../src/shell/command.js';
import type { MountInfo } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { CliError } from '../../src/util/errors.js';

export const umount = defineCommand({
  name: 'umount',
  aliases: ['unmount'],
  category: 'filesystems',
  summary: 'Unmount a filesystem mounted in the guest (not the root)',
  examples: ['umount /mnt'],
  positionals: [{ name: 'GUEST_DIR', complete: 'guest-dir' }],
  needs: ['mount'],
  async run(ctx, args) {
    const umount = ctx.guest.umount;
    if (!umount) throw new CliError('unsupported', 'umount works on disk images only');
    const dir = ctx.guestPath(args.str('GUEST_DIR'));
    await umount.call(ctx.guest, dir);
    return { unmounted: dir };
  },
  render(r: { unmounted: string }, out: Output) {
    out.line(`unmounted ${r.unmounted}`);
  },
});
