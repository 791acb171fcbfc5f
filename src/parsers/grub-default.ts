// Which entry GRUB boots by default, from the files that say so: GRUB_DEFAULT of /etc/default/grub
// (an index path such as `1>2`, an id, a title, a `submenu>title` path, or `saved`), grub.cfg's
// `set default=` when that is unset, and grubenv's saved_entry for `saved`. Pure: used by
// `grub show` (grub.cfg menus and BLS entries) and by clean-kernels (which kernel to keep).
import { shellVars } from '../editors/shell-vars.js';
import { parseGrubEnv } from './bls-entry.js';
import { parseGrubCfg } from './grub-cfg.js';

/** What an entry can be named by: grub.cfg menu entries and BLS entries (blsId: the file name without .conf). */
export interface DefaultableEntry {
  title: string;
  path: string;
  id: string | null;
  blsId?: string;
  submenu: string[];
}

/**
 * The default setting with `saved` (and grub.cfg's `${saved_entry}`) replaced by grubenv's
 * saved_entry; '0' (the first entry) when nothing is set.
 */
export function grubDefaultSetting(grubDefault: string | null | undefined, env: Record<string, string>): string {
  const value = grubDefault ?? '0';
  if (value === 'saved' || value === '${saved_entry}') return env.saved_entry ?? '0';
  return value;
}

/** The entry a setting selects (by index path, then id, then title or submenu>title), or null. */
export function defaultGrubEntry<E extends DefaultableEntry>(entries: E[], setting: string): E | null {
  return (
    entries.find((e) => e.path === setting) ??
    entries.find((e) => e.id === setting || e.blsId === setting) ??
    entries.find((e) => e.title === setting || [...e.submenu, e.title].join('>') === setting) ??
    null
  );
}

const INDEX_PATH = /^\d+(>\d+)*$/;

/**
 * Strings naming the default kernel, for a caller that looks for kernel versions in them: the
 * linux path of the default entry, and the setting itself unless it is an index path (a title or
 * id names the kernel even where grub.cfg lists no such entry, as on BLS guests).
 */
export function grubDefaultHints(files: { defaultGrub: string | null; grubenv: string | null; grubCfg: string | null }): string[] {
  const cfg = files.grubCfg === null ? null : parseGrubCfg(files.grubCfg);
  const env = files.grubenv === null ? {} : parseGrubEnv(files.grubenv);
  const configured = files.defaultGrub === null ? undefined : shellVars(files.defaultGrub).GRUB_DEFAULT;
  const setting = grubDefaultSetting(configured ?? cfg?.setDefault, env);
  const linux = defaultGrubEntry(cfg?.entries ?? [], setting)?.linux ?? null;
  return [...(INDEX_PATH.test(setting) ? [] : [setting]), ...(linux === null ? [] : [linux])];
}
