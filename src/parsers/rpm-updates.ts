// dnf/yum's lists of pending updates.
//   `dnf check-update` / `yum check-update`: "NAME.ARCH  [EPOCH:]VERSION-RELEASE  REPO" per
//   package (a long NAME.ARCH may stand alone, its fields wrapped onto the next line), then an
//   optional "Obsoleting Packages" section, which is not a list of updates.
//   `dnf updateinfo list --security` / `yum updateinfo list security`: "ADVISORY TYPE NEVRA".

export interface RpmUpdate {
  name: string;
  arch: string;
  version: string;
  repository: string;
}

export function parseCheckUpdate(text: string): RpmUpdate[] {
  const out: RpmUpdate[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^Obsoleting Packages/i.test(raw)) break;
    const fields = (pending ? `${pending} ${raw}` : raw).trim().split(/\s+/);
    pending = '';
    if (fields.length === 1 && /^[^\s:]+\.[^\s.]+$/.test(fields[0]!) && /^\S/.test(raw)) {
      pending = fields[0]!;
      continue;
    }
    if (fields.length !== 3) continue;
    const [nameArch = '', version = '', repository = ''] = fields;
    const dot = nameArch.lastIndexOf('.');
    if (dot <= 0 || !/^(\d+:)?[^-\s]+-[^-\s]+$/.test(version)) continue;
    out.push({ name: nameArch.slice(0, dot), arch: nameArch.slice(dot + 1), version, repository });
  }
  return out;
}

/** The names (NAME.ARCH) of the packages a security advisory updates. */
export function parseSecurityAdvisories(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3 || !/sec/i.test(fields[1]!)) continue;
    const nevra = /^(.+)-[^-]+-[^-]+\.([^.]+)$/.exec(fields[2]!);
    if (nevra) out.add(`${nevra[1]}.${nevra[2]}`);
  }
  return out;
}
