// Loading sshd_config the way sshd does: the main file, then each Include in the context of
// its line (relative globs are under /etc/ssh; a Match inside an included file ends with that
// file). Files are read through the ConfigReader given (a guest's filesystem, or test data).

import { globSource } from '../parsers/glob.js';
import { parseSshdConfig, SSHD_CONFIG, SSHDIR, valueText } from '../parsers/sshd-config.js';
import type { IncludeRecord, LoadedSshdConfig, MatchBlock, SshdFile } from '../parsers/sshd-config-model.js';

const MAX_INCLUDE_DEPTH = 16;

/** How loadSshdConfig reaches the files: null for a missing file or directory. */
export interface ConfigReader {
  read(path: string): Promise<string | null>;
  /** Names in a directory, with whether each is a directory. */
  list(dir: string): Promise<{ name: string; dir: boolean }[] | null>;
}

const MAGIC = /[*?[]/;

/** glob(3) without flags: per-component matching, no leading-dot matches, sorted results. */
export async function expandGlob(pattern: string, reader: ConfigReader): Promise<string[]> {
  const parts = pattern.split('/').filter((p) => p !== '');
  let paths = ['/'];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      // No normalisation: `..` and links are for the reader to resolve (inside the guest).
      const join = (name: string) => (base === '/' ? `/${name}` : `${base}/${name}`);
      if (!MAGIC.test(part)) {
        next.push(join(part));
        continue;
      }
      const entries = await reader.list(base);
      if (!entries) continue;
      let re: RegExp;
      try {
        re = new RegExp(`^${globSource(part)}$`, 'su');
      } catch {
        continue;
      }
      for (const e of entries.map((x) => x.name).sort(byteOrder)) {
        if (e.startsWith('.') && !part.startsWith('.')) continue;
        if (!re.test(e)) continue;
        if (!last && !entries.find((x) => x.name === e)?.dir) continue;
        next.push(join(e));
      }
    }
    paths = next;
  }
  return paths;
}

function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

export async function loadSshdConfig(reader: ConfigReader, main = SSHD_CONFIG): Promise<LoadedSshdConfig | null> {
  const text = await reader.read(main);
  if (text === null) return null;
  const result: LoadedSshdConfig = { main, files: new Map(), occurrences: [], matches: [], includes: [], problems: [] };
  const load = async (path: string): Promise<SshdFile | null> => {
    const have = result.files.get(path);
    if (have) return have;
    const t = path === main ? text : await reader.read(path);
    if (t === null) return null;
    const f = { path, text: t, lines: parseSshdConfig(t) };
    result.files.set(path, f);
    return f;
  };

  const walk = async (file: SshdFile, context: MatchBlock | null, depth: number): Promise<void> => {
    let match = context;
    for (const l of file.lines) {
      if (l.kind === 'invalid') {
        result.problems.push(`${file.path} line ${l.line}: ${l.error}`);
        continue;
      }
      if (l.kind !== 'directive') continue;
      if (l.key === 'match') {
        match = { file: file.path, line: l.line, condition: valueText(l) };
        result.matches.push(match);
        continue;
      }
      if (l.key !== 'include') {
        result.occurrences.push({ file: file.path, directive: l, match });
        continue;
      }
      for (const arg of l.args) {
        const pattern = arg.startsWith('/') || arg.startsWith('~') ? arg : `${SSHDIR}/${arg}`;
        const rec: IncludeRecord = { file: file.path, line: l.line, pattern, files: [], match };
        result.includes.push(rec);
        if (depth + 1 > MAX_INCLUDE_DEPTH) {
          result.problems.push(`${file.path} line ${l.line}: Include nested too deeply (more than ${MAX_INCLUDE_DEPTH} levels)`);
          continue;
        }
        for (const path of await expandGlob(pattern, reader)) {
          const inc = await load(path);
          if (!inc) continue;
          rec.files.push(path);
          await walk(inc, match, depth + 1);
        }
      }
    }
  };
  await walk((await load(main))!, null, 0);
  return result;
}
