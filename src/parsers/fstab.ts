// /etc/fstab as mount(8) reads it: whitespace-separated fields, '#' comment lines, octal
// escapes (\040 for a space) in every field.

export interface FstabEntry {
  /** fs_spec, unescaped: UUID=..., /dev/sda1, server:/export, tmpfs ... */
  spec: string;
  /** fs_file: the mount point (or 'none'/'swap' for swap), unescaped. */
  file: string;
  vfstype: string;
  /** fs_mntops split on commas outside double quotes; ['defaults'] when the field is absent. */
  mntops: string[];
  freq: number;
  passno: number;
  /** 1-based line number in the file. */
  line: number;
}

export interface FstabError {
  line: number;
  message: string;
}

export type SpecKind = 'uuid' | 'label' | 'partuuid' | 'partlabel' | 'device' | 'other';

/** Decode the \ooo octal escapes fstab uses for blanks and backslashes. */
export function unescapeOctal(field: string): string {
  if (!field.includes('\\')) return field;
  const bytes: number[] = [];
  const raw = Buffer.from(field, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const digits = raw.toString('latin1', i + 1, i + 4);
    if (raw[i] === 0x5c && /^[0-3][0-7]{2}$/.test(digits)) {
      bytes.push(parseInt(digits, 8));
      i += 3;
    } else {
      bytes.push(raw[i] as number);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Split an option string on commas, keeping quoted values (context="a,b") whole. */
export function splitOptions(options: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of options) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

function parseNumberField(text: string | undefined, what: string, line: number, errors: FstabError[]): number | null {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text)) {
    errors.push({ line, message: `${what} must be a number, not '${text}'` });
    return null;
  }
  return Number(text);
}

/** Entries plus one error per line that mount(8) could not use (such lines are skipped). */
export function parseFstabWithErrors(text: string): { entries: FstabEntry[]; errors: FstabError[] } {
  const entries: FstabEntry[] = [];
  const errors: FstabError[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = i + 1;
    const content = rawLine.replace(/\r$/, '').trim();
    if (content === '' || content.startsWith('#')) return;
    const fields = content.split(/[ \t]+/);
    if (fields.length < 3) {
      errors.push({ line, message: `expected at least 3 fields (spec, mount point, type), found ${fields.length}` });
      return;
    }
    if (fields.length > 6) {
      errors.push({ line, message: `expected at most 6 fields, found ${fields.length}` });
      return;
    }
    const [spec, file, vfstype, mntops, freqText, passText] = fields as [string, string, string, ...(string | undefined)[]];
    const freq = parseNumberField(freqText, 'dump frequency', line, errors);
    const passno = parseNumberField(passText, 'fsck pass number', line, errors);
    if (freq === null || passno === null) return;
    entries.push({
      spec: unescapeOctal(spec),
      file: unescapeOctal(file),
      vfstype: unescapeOctal(vfstype),
      mntops: mntops === undefined ? ['defaults'] : splitOptions(mntops).map(unescapeOctal),
      freq,
      passno,
      line,
    });
  });
  return { entries, errors };
}

/** The usable entries of an fstab; malformed lines are skipped (see parseFstabWithErrors). */
export function parseFstab(text: string): FstabEntry[] {
  return parseFstabWithErrors(text).entries;
}

/** Decode udev's \xHH escapes in /dev/disk/by-* names (by-label/My\x20Disk). */
export function unescapeUdev(name: string): string {
  if (!name.includes('\\x')) return name;
  const bytes: number[] = [];
  const raw = Buffer.from(name, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.toString('latin1', i + 2, i + 4);
    if (raw[i] === 0x5c && raw[i + 1] === 0x78 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      bytes.push(raw[i] as number);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const TAGS: Record<string, SpecKind> = { UUID: 'uuid', LABEL: 'label', PARTUUID: 'partuuid', PARTLABEL: 'partlabel' };
const BY_DIRS: Record<string, SpecKind> = {
  'by-uuid': 'uuid',
  'by-label': 'label',
  'by-partuuid': 'partuuid',
  'by-partlabel': 'partlabel',
};

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  return m ? (m[2] as string) : value;
}

/** What an fstab fs_spec (already unescaped) refers to. */
export function describeSpec(spec: string): { kind: SpecKind; value: string } {
  const tag = /^([A-Z]+)=(.*)$/.exec(spec);
  if (tag && TAGS[tag[1] as string]) return { kind: TAGS[tag[1] as string] as SpecKind, value: unquote(tag[2] as string) };
  const byDir = /^\/dev\/disk\/(by-[a-z]+)\/([^/]+)$/.exec(spec);
  if (byDir && BY_DIRS[byDir[1] as string]) return { kind: BY_DIRS[byDir[1] as string] as SpecKind, value: unescapeUdev(byDir[2] as string) };
  if (spec.startsWith('/dev/')) return { kind: 'device', value: spec };
  return { kind: 'other', value: spec };
}
