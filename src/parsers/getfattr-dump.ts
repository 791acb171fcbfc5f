// The output of `getfattr -R -P -h -d -m - -e hex --absolute-names DIR`: for each file that has
// extended attributes, a `# file: PATH` line, one `name=0xHEX` line per attribute and a blank
// line. getfattr writes a backslash, a newline and other awkward bytes of a name as a
// three-digit octal escape (\134, \012), so every `\ooo` is turned back into its byte.

/** Undo getfattr's octal escapes; the bytes are read as UTF-8, as Node reads directory names. */
export function unescapeGetfattr(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else bytes.push(c);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Path -> (attribute name -> hex value without 0x). A value getfattr could not print as hex is an error. */
export function parseGetfattrDump(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = {};
      out.set(unescapeGetfattr(line.slice(8)), current);
      continue;
    }
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (current === null || eq <= 0) throw new Error(`unexpected getfattr line: ${JSON.stringify(line)}`);
    const value = line.slice(eq + 1);
    if (!/^0x([0-9a-f]{2})*$/i.test(value) && value !== '') throw new Error(`unexpected getfattr value: ${JSON.stringify(line)}`);
    current[unescapeGetfattr(line.slice(0, eq))] = value.slice(2).toLowerCase();
  }
  return out;
}
