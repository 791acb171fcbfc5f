import type { Guest } from '../../../src/guest/types.js';
import { readOptional } from '../../../src/guest/file-changes.js';
import { isAbsent } from '../../../src/guest/stat-or-null.js';
import { shellVars } from '../../../src/editors/shell-vars.js';
import { GRUB_DEFAULT_FILE } from '../../../src/editors/grub-default.js';
import { parseGrubCfg, type GrubMenuEntry } from '../../../src/parsers/grub-cfg.js';
import { parseBlsEntry, parseGrubEnv } from '../../../src/parsers/bls-entry.js';
import { defaultGrubEntry, grubDefaultSetting } from '../../../src/parsers/grub-default.js';
import { rpmvercmp } from '../../../src/packages/version-order.js';
import { findGrubFiles, otherBootLoader, type OtherLoader } from '../../../src/inspect/grub-files.js';

// What `grub show` reports: pure file reads (no guest program runs), so it is fast offline and live.

export interface GrubEntry extends Omit<GrubMenuEntry, 'submenu'> {
  submenu: string[];
  /** BLS: the entry file's name without .conf (its id for saved_entry). */
  blsId?: string;
}

export interface GrubShown {
  action: 'show';
  /** 'grub' (grub.cfg menu), 'grub-bls' (grub reading /boot/loader/entries), or what boots instead. */
  loader: 'grub' | 'grub-bls' | OtherLoader['loader'] | 'none';
  /** The loader's configuration file (grub.cfg, loader.conf, extlinux.conf), or null. */
  config: string | null;
  /** One sentence for a guest without GRUB. */
  note: string | null;
  settings: Record<string, string>;
  cmdline: string | null;
  cmdlineDefault: string | null;
  entries: GrubEntry[];
  /** The entry that boots by default (GRUB_DEFAULT / saved_entry resolved), or null. */
  defaultEntry: string | null;
  kernels: { version: string; path: string; default: boolean }[];
}

const SHOWN_KEYS = ['GRUB_DEFAULT', 'GRUB_TIMEOUT', 'GRUB_TIMEOUT_STYLE', 'GRUB_TERMINAL', 'GRUB_SERIAL_COMMAND', 'GRUB_DISABLE_OS_PROBER', 'GRUB_ENABLE_BLSCFG', 'GRUB_SAVEDEFAULT'];

export async function showGrub(guest: Guest): Promise<GrubShown> {
  const files = await findGrubFiles(guest);
  const defaultsText = await readOptional(guest, GRUB_DEFAULT_FILE);
  const vars = defaultsText === null ? {} : shellVars(defaultsText);
  const settings: Record<string, string> = {};
  for (const k of SHOWN_KEYS) if (vars[k] !== undefined) settings[k] = vars[k];
  const env = files.grubenv ? parseGrubEnv((await readOptional(guest, files.grubenv)) ?? '') : {};
  const kernels = await installedKernels(guest);
  const base = { action: 'show' as const, settings, cmdline: vars.GRUB_CMDLINE_LINUX ?? null, cmdlineDefault: vars.GRUB_CMDLINE_LINUX_DEFAULT ?? null };

  const blsEntries = vars.GRUB_ENABLE_BLSCFG === 'true' || files.grubCfg === null ? await readBls(guest, env) : [];
  const cfgText = files.grubCfg ? await readOptional(guest, files.grubCfg) : null;
  if (cfgText === null && blsEntries.length === 0 && defaultsText === null) {
    const other = await otherBootLoader(guest);
    const note = other ? `no GRUB: this guest boots with ${other.loader} (${other.config})` : 'no boot loader configuration found: probably booted with a direct kernel';
    return { ...base, loader: other?.loader ?? 'none', config: other?.config ?? null, note, entries: [], defaultEntry: null, kernels: kernels.map((k) => ({ ...k, default: false })) };
  }
  const parsed = cfgText === null ? null : parseGrubCfg(cfgText);
  const menu: GrubEntry[] = parsed?.entries ?? [];
  const bls = blsEntries.length > 0;
  const entries = bls ? blsEntries : menu;
  const chosen = defaultGrubEntry(entries, grubDefaultSetting(vars.GRUB_DEFAULT ?? parsed?.setDefault, env));
  const defaultKernel = chosen?.linux ? chosen.linux.replace(/^.*\//, '') : null;
  return {
    ...base,
    loader: bls ? 'grub-bls' : 'grub',
    config: files.grubCfg,
    note: cfgText === null && !bls ? `no ${files.grubCfgCandidates.join(' or ')} yet: run \`grub update\` to generate it` : null,
    entries,
    defaultEntry: chosen?.title ?? null,
    kernels: kernels.map((k) => ({ ...k, default: defaultKernel !== null && k.path.endsWith(`/${defaultKernel}`) })),
  };
}

async function installedKernels(guest: Guest): Promise<{ version: string; path: string }[]> {
  const names = await listOrEmpty(guest, '/boot');
  return names
    .filter((n) => /^vmlinuz-./.test(n) && !/\.hmac$/.test(n))
    .map((n) => ({ version: n.slice('vmlinuz-'.length), path: `/boot/${n}` }))
    .sort((a, b) => rpmvercmp(b.version, a.version));
}

/** BLS entries, newest version first (grub's blscfg order); $kernelopts expanded from grubenv. */
async function readBls(guest: Guest, env: Record<string, string>): Promise<GrubEntry[]> {
  const dir = '/boot/loader/entries';
  const names = (await listOrEmpty(guest, dir)).filter((n) => n.endsWith('.conf'));
  const parsed = await Promise.all(names.map(async (n) => ({ id: n.slice(0, -'.conf'.length), e: parseBlsEntry((await readOptional(guest, `${dir}/${n}`)) ?? '') })));
  parsed.sort((a, b) => rpmvercmp(b.e.version ?? b.id, a.e.version ?? a.id));
  return parsed.map(({ id, e }, i) => ({
    title: e.title ?? id,
    path: String(i),
    id,
    blsId: id,
    submenu: [],
    linux: e.linux,
    args: e.options.flatMap((o) => (o === '$kernelopts' && env.kernelopts !== undefined ? env.kernelopts.split(/\s+/).filter(Boolean) : [o])),
    initrd: e.initrd,
  }));
}

async function listOrEmpty(guest: Guest, dir: string): Promise<string[]> {
  try {
    return (await guest.fs.list(dir)).map((d) => d.name);
  } catch (err) {
    if (isAbsent(err)) return [];
    throw err;
  }
}
