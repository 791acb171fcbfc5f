// Boot Loader Specification entries (/boot/loader/entries/*.conf, Fedora/RHEL): one `key value`
// per line. Pure: text in, fields out.

export interface BlsEntry {
  title: string | null;
  version: string | null;
  linux: string | null;
  initrd: string[];
  /** The options line, split on blanks; may hold `$kernelopts` (RHEL 8: from grubenv). */
  options: string[];
}

export function parseBlsEntry(text: string): BlsEntry {
  const e: BlsEntry = { title: null, version: null, linux: null, initrd: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const [key, value] = [m[1]!, m[2]!.trim()];
    if (key === 'title') e.title = value;
    else if (key === 'version') e.version = value;
    else if (key === 'linux') e.linux = value;
    else if (key === 'initrd') e.initrd.push(...value.split(/\s+/).filter(Boolean));
    else if (key === 'options') e.options.push(...value.split(/\s+/).filter(Boolean));
  }
  return e;
}

/** grubenv (a 1024-byte block of `key=value` lines padded with #): its variables. */
export function parseGrubEnv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return vars;
}
