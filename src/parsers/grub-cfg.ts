// The menu of a generated grub.cfg (grub-mkconfig's output): menuentry and submenu blocks with
// their titles, ids and linux/initrd lines. Pure: text in, entries out. Only what grub-mkconfig
// writes is understood (one command per line, blocks closed by a lone `}`); a hand-written
// grub.cfg with odd layouts yields the entries it can read.

export interface GrubMenuEntry {
  title: string;
  /** grub's address of the entry: "0", "1>2" (submenu 1, its entry 2). */
  path: string;
  /** The $menuentry_id_option id, when given. */
  id: string | null;
  /** Titles of the submenus it sits in, outermost first. */
  submenu: string[];
  /** The kernel path of its `linux` line and the arguments after it. */
  linux: string | null;
  args: string[];
  initrd: string[];
}

export interface GrubCfg {
  entries: GrubMenuEntry[];
  /** The value of the last `set default=` outside menu entries (may be "${saved_entry}"). */
  setDefault: string | null;
  /** The value of `set timeout=`, as written. */
  setTimeout: string | null;
}

/** Split a grub script line into words: '...' literal, "..." with \-escapes, bare \x escapes. */
export function grubWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '#' && !inWord) break;
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      const end = close < 0 ? line.length : close;
      cur += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$'.includes(line[i + 1]!)) i++;
        cur += line[i];
        i++;
      }
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
    } else {
      cur += c;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function valueOf(words: string[], name: string): string | null {
  if (words[0] !== 'set' || words.length < 2) return null;
  const w = words[1]!;
  return w.startsWith(`${name}=`) ? w.slice(name.length + 1) : null;
}

export function parseGrubCfg(text: string): GrubCfg {
  const entries: GrubMenuEntry[] = [];
  let setDefault: string | null = null;
  let setTimeout: string | null = null;
  // One frame per open block: menuentry, submenu, or another block (if/function) to skip over.
  const stack: { kind: 'entry' | 'submenu' | 'other'; title?: string; counter: number; entry?: GrubMenuEntry }[] = [];
  const top = { counter: 0 };
  const counterOf = () => [...stack].reverse().find((f) => f.kind === 'submenu') ?? top;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = grubWords(line);
    const first = words[0];
    if (first === undefined) continue;
    if (first === '}' || first === 'fi' || first === 'done') {
      if (first === '}') stack.pop();
      else if (stack.at(-1)?.kind === 'other') stack.pop();
      continue;
    }
    if ((first === 'menuentry' || first === 'submenu') && line.endsWith('{')) {
      const parentCounter = counterOf();
      const index = parentCounter.counter++;
      const submenus = stack.filter((f) => f.kind === 'submenu');
      const title = words[1] ?? '';
      const idAt = words.findIndex((w, i) => i > 1 && (w === '$menuentry_id_option' || w === '--id'));
      const id = idAt >= 0 ? (words[idAt + 1] ?? null) : null;
      if (first === 'submenu') {
        stack.push({ kind: 'submenu', title, counter: 0, entry: { title, path: pathOf(stack, index), id, submenu: [], linux: null, args: [], initrd: [] } });
        continue;
      }
      const entry: GrubMenuEntry = { title, path: pathOf(stack, index), id, submenu: submenus.map((f) => f.title ?? ''), linux: null, args: [], initrd: [] };
      entries.push(entry);
      stack.push({ kind: 'entry', counter: 0, entry });
      continue;
    }
    if (line.endsWith('{') || ((first === 'if' || first === 'while' || first === 'for') && !/;\s*(fi|done)$/.test(line))) {
      stack.push({ kind: 'other', counter: 0 });
      continue;
    }
    const entry = [...stack].reverse().find((f) => f.kind === 'entry')?.entry;
    if (entry) {
      if ((first === 'linux' || first === 'linux16' || first === 'linuxefi') && entry.linux === null) {
        entry.linux = words[1] ?? null;
        entry.args = words.slice(2);
      } else if (first === 'initrd' || first === 'initrd16' || first === 'initrdefi') {
        entry.initrd.push(...words.slice(1));
      }
      continue;
    }
    if (stack.every((f) => f.kind === 'other')) {
      // The last one: 00_header sets them in if/else branches, the usual case (no
      // recordfail, no next_entry) last.
      setDefault = valueOf(words, 'default') ?? setDefault;
      setTimeout = valueOf(words, 'timeout') ?? setTimeout;
    }
  }
  return { entries, setDefault, setTimeout };
}

/** "1>2": each enclosing submenu's index in its parent, then this entry's index. */
function pathOf(stack: { kind: string; entry?: GrubMenuEntry }[], index: number): string {
  const parent = [...stack].reverse().find((f) => f.kind === 'submenu');
  return parent?.entry ? `${parent.entry.path}>${index}` : String(index);
}
