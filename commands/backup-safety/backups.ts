import { promises as fsp } from 'node:fs';
import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { isAbsent } from '../../src/guest/stat-or-null.js';
import { formatBytes } from '../../src/util/format.js';
import { GUEST_STORE } from './_shared/create-archive.js';
import { guestFileDigest } from '../../src/guest/file-digest.js';
import { imageIdentity, indexPath, readRecords } from './_shared/host-index.js';

interface Listed {
  where: 'guest' | 'host';
  file: string;
  date: string;
  size: number | null;
  sha256: string | null;
  paths: string[] | null;
  /** Host index only: the file is gone, or no longer has the recorded size. */
  missing?: boolean;
  changed?: boolean;
}

export const backups = defineCommand({
  name: 'backups',
  category: 'backup-safety',
  summary: `List the backups kept in the guest (${GUEST_STORE}) and those recorded on the host for this image`,
  description:
    `Guest backups: the archives in ${GUEST_STORE}, with their size, date and a sha256 computed now. Host backups: the host index ($XDG_DATA_HOME/guestctl/backups.jsonl) ` +
    'entries of this image (its absolute path, or the domain name), each marked missing when the host file is gone and changed when its size differs from the record.',
  examples: ['backups'],
  needs: ['fs'],
  async run(ctx) {
    const rows: Listed[] = [];
    const store = await ctx.guest.fs.list(GUEST_STORE).catch((err: Error) => {
      if (isAbsent(err)) return [];
      throw err;
    });
    for (const e of store.filter((e) => e.type === 'file' && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = posix.join(GUEST_STORE, e.name);
      const st = await ctx.guest.fs.lstat(file);
      rows.push({ where: 'guest', file, date: st.mtime.toISOString(), size: st.size, sha256: await guestFileDigest(ctx.guest.fs, file, 'sha256', ctx.signal), paths: null });
    }
    const index = indexPath(ctx.env);
    const { records, bad } = await readRecords(index);
    if (bad > 0) ctx.out.note(`${index}: ${bad} unreadable line(s) skipped`);
    const image = imageIdentity(ctx.guest);
    for (const r of records.filter((r) => r.image === image)) {
      const st = await fsp.stat(r.file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      rows.push({ where: 'host', file: r.file, date: r.date, size: r.size, sha256: r.sha256, paths: r.paths, missing: st === null, changed: st !== null && st.size !== r.size });
    }
    return { image, backups: rows };
  },
  render(r: { image: string; backups: Listed[] }, out: Output) {
    if (r.backups.length === 0) return out.line(`no backups of ${r.image}`);
    for (const b of r.backups) {
      const flag = b.missing ? ' (missing)' : b.changed ? ' (changed since recorded)' : '';
      const paths = b.paths ? ` ${b.paths.join(' ')}` : '';
      out.line(`${b.where.padEnd(5)} ${b.date}  ${b.size === null ? '?' : formatBytes(b.size).padStart(9)}  ${escapeForTerminal(b.file)}${flag}${escapeForTerminal(paths)}  sha256 ${b.sha256 ?? '?'}`);
    }
  },
});
