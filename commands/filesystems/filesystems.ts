import { defineCommand } from '../../src/shell/command.js';
import type { FilesystemInfo } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { formatSize } from '../../src/parsers/size.js';

export const filesystems = defineCommand({
  name: 'filesystems',
  aliases: ['lsblk'],
  category: 'filesystems',
  summary: 'List every partition and filesystem of the image: device, type, size, label, UUID, mount point',
  examples: ['filesystems'],
  needs: ['mount'],
  async run(ctx) {
    return ctx.guest.filesystems();
  },
  render(rows: FilesystemInfo[], out: Output) {
    out.table(
      ['DEVICE', 'TYPE', 'SIZE', 'LABEL', 'UUID', 'MOUNTED ON'],
      rows.map((f) => [f.device, f.fstype ?? 'unknown', formatSize(f.size), f.label, f.uuid, f.mountpoint]),
      { rightAlign: [2] },
    );
  },
});
