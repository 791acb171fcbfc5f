import type { Guest } from '../guest/types.js';
import { readOptional } from '../guest/file-changes.js';
import { statOrNull } from '../guest/stat-or-null.js';
import { SSHD_CONFIG } from '../parsers/sshd-config.js';
import type { LoadedSshdConfig } from '../parsers/sshd-config-model.js';
import { loadSshdConfig, type ConfigReader } from './load-sshd-config.js';

// The guest's sshd_config with its Included files, read through the guest fs (every path
// resolves inside the guest). Used by the ssh commands and by audit-perms.

export function guestConfigReader(guest: Guest): ConfigReader {
  return {
    async read(path) {
      const st = await statOrNull(guest.fs, path);
      if (!st || st.type !== 'file') return null;
      return readOptional(guest, path);
    },
    async list(dir) {
      const st = await statOrNull(guest.fs, dir);
      if (st?.type !== 'directory') return null;
      const entries = await guest.fs.list(dir);
      const out: { name: string; dir: boolean }[] = [];
      for (const e of entries) {
        const isDir = e.type === 'directory' || (e.type === 'symlink' && (await statOrNull(guest.fs, `${dir === '/' ? '' : dir}/${e.name}`))?.type === 'directory');
        out.push({ name: e.name, dir: isDir });
      }
      return out;
    },
  };
}

export async function loadGuestSshdConfig(guest: Guest): Promise<LoadedSshdConfig | null> {
  return loadSshdConfig(guestConfigReader(guest), SSHD_CONFIG);
}
