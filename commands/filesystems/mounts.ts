import { defineCommand } from '../../src/shell/command.js';
import type { MountInfo } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { CliError } from '../../src/util/errors.js';

export const mounts = defineCommand({
  name: 'mounts',
  category: 'filesystems',
  summary: 'Show what is mounted where in the guest',
  examples: ['mounts'],
  async run(ctx) {
    return ctx.guest.mounts();
  },
  render(rows: MountInfo[], out: Output) {
    out.table(
      ['DEVICE', 'MOUNTED ON', 'TYPE', 'OPTIONS'],
      rows.map((m) => [m.device, m.mountpoint, m.fstype, `${m.options ?? ''}${m.driver === 'fuse' ? ' (userspace driver)' : ''}`]),
    );
  },
});
