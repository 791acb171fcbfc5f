// What says which kernel GRUB boots by default, as text naming it: GRUB_DEFAULT of
// /etc/default/grub (a title, an id, `saved`, or an index path such as `1>2`), saved_entry of
// grubenv when it is `saved`, and the `linux` line of the grub.cfg entry an index points at.
// Pure; the caller looks for kernel versions in the strings returned.

/** The last GRUB_DEFAULT= of /etc/default/grub (a shell file), unquoted; '0' when unset. */
export function grubDefaultSetting(defaultGrub: string): string {
  let value = '0';
  for (const line of defaultGrub.split('\n')) {
    const m = /^\s*(?:export\s+)?GRUB_DEFAULT=(.*)$/.exec(line);
    if (m) value = unquote(m[1]!.trim());
  }
  return value;
}

/** saved_entry= of a grubenv block, or null. */
export function grubenvSavedEntry(grubenv: string): string | null {
  const m = /^saved_entry=(.*)$/m.exec(grubenv);
  return m ? m[1]!.trim() : null;
}

interface Block {
  kind: 'menuentry' | 'submenu' | 'other';
  linux: string | null;
  children: Block[];
}

/** The top-level menu entries and submenus of a grub.cfg, with each entry's kernel path. */
export function grubMenu(cfg: string): Block[] {
  const root: Block = { kind: 'other', linux: null, children: [] };
  const stack: Block[] = [root];
  for (const raw of cfg.split('\n')) {
    const line = raw.trim();
    const top = stack[stack.length - 1]!;
    const open = /^(menuentry|submenu)\s/.exec(line);
    if (line.endsWith('{')) {
      const b: Block = { kind: open ? (open[1] as Block['kind']) : 'other', linux: null, children: [] };
      // Entries inside an `if`-less function or other block are not menu entries.
      if (open && (top.kind === 'submenu' || top === root)) top.children.push(b);
      stack.push(b);
    } else if (line === '}') {
      if (stack.length > 1) stack.pop();
    } else {
      const k = /^linux(?:16|efi)?\s+(\S+)/.exec(line);
      if (k && top.kind === 'menuentry' && top.linux === null) top.linux = k[1]!;
    }
  }
  return root.children;
}

/** The kernel path of the entry an index path (`0`, `1>2`) selects, or null. */
export function grubEntryKernel(cfg: string, indexPath: string): string | null {
  let entries = grubMenu(cfg);
  let picked: Block | undefined;
  for (const part of indexPath.split('>')) {
    picked = entries[Number(part)];
    if (!picked) return null;
    entries = picked.children;
  }
  return picked?.kind === 'menuentry' ? picked.linux : null;
}

/** Strings naming the default kernel: the setting itself, and the kernel path an index selects. */
export function grubDefaultHints(files: { defaultGrub: string | null; grubenv: string | null; grubCfg: string | null }): string[] {
  let setting = files.defaultGrub === null ? '0' : grubDefaultSetting(files.defaultGrub);
  if (setting === 'saved') setting = (files.grubenv === null ? null : grubenvSavedEntry(files.grubenv)) ?? '0';
  if (!/^\d+(>\d+)*$/.test(setting)) return [setting];
  const kernel = files.grubCfg === null ? null : grubEntryKernel(files.grubCfg, setting);
  return kernel ? [kernel] : [];
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) return v.slice(1, -1);
  return v;
}
