import { defineCommand } from '../../src/shell/command.js';
import type { FilesystemInfo } from '../../src/guest/types.js';
import type { Output } from '../../src/shell/output.js';
import { formatSize } from '../../src/parsers/size.js';

export const filesystems = defineCommand({
  name: 'filesystems',
  aliases: ['lsblk'],
  category: 'filesystems',
  summary: 'List every partition and filesystem of the image (and the LVs, RAID arrays and LUKS volumes on them): device, type, size, label, UUID, mount point',
  examples: ['filesystems'],
  needs: ['mount'],
  async run(ctx) {
    return ctx.guest.filesystems();
  },
  render(rows: FilesystemInfo[], out: Output) {
    const onDisks = rows.some((f) => f.disk !== undefined);
    out.table(
      ['DEVICE', 'TYPE', 'SIZE', 'LABEL', 'UUID', 'MOUNTED ON', ...(onDisks ? ['DISK'] : [])],
      rows.map((f) => [f.device, f.fstype ?? 'unknown', formatSize(f.size), f.label, f.uuid, f.mountpoint, ...(onDisks ? [f.disk ?? null] : [])]),
      { rightAlign: [2] },
    );
    for (const f of rows) if (f.note) out.note(`${f.device}: ${f.note}`);
  },
});
