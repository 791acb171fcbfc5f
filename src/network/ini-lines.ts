// Line-level editing of the INI dialects the network stacks use (NetworkManager keyfiles,
// systemd .network files): `[Section]` headers, `Key=Value` lines, `#`/`;` comments. Sections
// may repeat ([Route] in networkd) and so may keys (Address= in networkd). Only the lines that
// change are touched; comments, blank lines and unrelated keys stay byte for byte. IniEdit also
// edits other sectioned files parsed into the same shape (ifupdown stanzas, see ifupdown.ts).

export interface IniSection {
  name: string;
  /** Line of the header; -1 for keys before any header. */
  header: number;
  /** First line after the section (the next header, or the line count). */
  end: number;
}

export interface IniEntry {
  line: number;
  /** Index into the sections list. */
  section: number;
  key: string;
  value: string;
}

export interface IniDoc {
  lines: string[];
  sections: IniSection[];
  entries: IniEntry[];
}

const HEADER = /^\s*\[([^\]]+)\]\s*$/;
const ENTRY = /^\s*([^=#;\s][^=]*?)\s*=\s*(.*?)\s*$/;

export function parseIni(text: string): IniDoc {
  const lines = text.split('\n');
  const sections: IniSection[] = [{ name: '', header: -1, end: lines.length }];
  const entries: IniEntry[] = [];
  lines.forEach((line, n) => {
    const h = HEADER.exec(line);
    if (h) {
      sections[sections.length - 1]!.end = n;
      sections.push({ name: h[1]!, header: n, end: lines.length });
      return;
    }
    const e = ENTRY.exec(line);
    if (e && !/^\s*[#;]/.test(line)) entries.push({ line: n, section: sections.length - 1, key: e[1]!, value: e[2]! });
  });
  return { lines, sections, entries };
}

export function sectionEntries(doc: IniDoc, section: number): IniEntry[] {
  return doc.entries.filter((e) => e.section === section);
}

export function sectionIndexes(doc: IniDoc, name: string): number[] {
  return doc.sections.flatMap((s, i) => (s.name === name ? [i] : []));
}

/** The values of `key` in one section, in file order. */
export function values(doc: IniDoc, section: number, key: string): string[] {
  return sectionEntries(doc, section).filter((e) => e.key === key).map((e) => e.value);
}

/**
 * An edit plan over the original lines: replacements, deletions and insertions keyed by the
 * original line numbers, applied at once by render(), so planned positions never shift.
 */
export class IniEdit {
  private replace = new Map<number, string>();
  private drop = new Set<number>();
  private after = new Map<number, string[]>();
  private appended: string[] = [];

  constructor(readonly doc: IniDoc) {}

  /**
   * Make the lines whose key `matches` become exactly `wanted` (full `key=value` lines) in one
   * section: existing lines are rewritten in place, extra ones removed, missing ones inserted
   * after the last matching line (or after `near`, or the section's last line). An empty
   * `wanted` removes them. Returns the line this group sits after, to place a next group near.
   */
  setLines(section: number, matches: (key: string, value: string) => boolean, wanted: string[], near?: number): number {
    const existing = sectionEntries(this.doc, section).filter((e) => matches(e.key, e.value));
    existing.forEach((e, i) => {
      if (i >= wanted.length) this.drop.add(e.line);
      else if (this.doc.lines[e.line]!.trim() !== wanted[i]) this.replace.set(e.line, wanted[i]!);
    });
    const anchor = existing.length > 0 ? existing[existing.length - 1]!.line : (near ?? this.lastContentLine(section));
    const missing = wanted.slice(existing.length);
    if (missing.length > 0) this.insertAfter(anchor, missing);
    return anchor;
  }

  /** `key` carries exactly `vals` in a section (none: the key is removed). */
  setValues(section: number, key: string, vals: string[]): void {
    void this.setLines(section, (k) => k === key, vals.map((v) => `${key}=${v}`));
  }

  set(section: number, key: string, value: string | undefined): void {
    this.setValues(section, key, value === undefined ? [] : [value]);
  }

  removeSection(section: number): void {
    const s = this.doc.sections[section]!;
    for (let n = s.header; n < s.end; n++) this.drop.add(n);
    // The blank line that separated it from the previous section goes with it.
    if (s.header > 0 && this.doc.lines[s.header - 1]!.trim() === '' && !this.drop.has(s.header - 1)) this.drop.add(s.header - 1);
  }

  /** A new section at the end of the file, after a blank line. */
  appendSection(name: string, entries: [string, string][]): void {
    this.appendBlock([`[${name}]`, ...entries.map(([k, v]) => `${k}=${v}`)]);
  }

  /** Lines at the end of the file, after a blank line. */
  appendBlock(lines: string[]): void {
    this.appended.push('', ...lines);
  }

  replaceLine(line: number, text: string): void {
    if (this.doc.lines[line] !== text) this.replace.set(line, text);
  }

  render(): string {
    const out: string[] = [];
    const lines = this.doc.lines;
    // A final newline leaves an empty last element; appended text goes before it.
    const hasFinalNewline = lines.length > 1 && lines[lines.length - 1] === '';
    const lastReal = hasFinalNewline ? lines.length - 1 : lines.length;
    for (let n = 0; n < lastReal; n++) {
      if (!this.drop.has(n)) out.push(this.replace.get(n) ?? lines[n]!);
      out.push(...(this.after.get(n) ?? []));
    }
    if (this.appended.length > 0) {
      while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
      out.push(...(out.length === 0 ? this.appended.slice(1) : this.appended));
    }
    return out.join('\n') + (hasFinalNewline || this.appended.length > 0 ? '\n' : '');
  }

  private insertAfter(line: number, text: string[]): void {
    this.after.set(line, [...(this.after.get(line) ?? []), ...text]);
  }

  /** The last non-blank line of a section (its header when it has nothing else). */
  private lastContentLine(section: number): number {
    const s = this.doc.sections[section]!;
    for (let n = s.end - 1; n > s.header; n--) if (this.doc.lines[n]!.trim() !== '') return n;
    return s.header;
  }
}
