// The LVM2 text metadata grammar (what lvm writes into metadata areas and /etc/lvm/backup):
//   file    := item*
//   item    := name '=' value | name '{' item* '}'
//   value   := string | number | '[' (value (',' value)*)? ']'
// with '#' comments to the end of the line and "\" escapes inside strings.

export type MetaValue = string | number | MetaValue[];
export interface MetaSection {
  /** Keys and sub-sections in file order; a repeated key keeps its last value, as lvm does. */
  values: Map<string, MetaValue>;
  sections: Map<string, MetaSection>;
}

const MAX_TEXT = 16 * 1024 * 1024;
const MAX_DEPTH = 32;
const MAX_LIST = 100_000;
const NAME = /[A-Za-z0-9._+\-]/;

export function parseMetadataText(text: string): MetaSection {
  if (text.length > MAX_TEXT) throw new Error(`LVM metadata: ${text.length} characters is more than the ${MAX_TEXT} allowed`);
  let pos = 0;

  const fail = (msg: string): never => {
    const line = text.slice(0, pos).split('\n').length;
    throw new Error(`LVM metadata line ${line}: ${msg}`);
  };

  const skip = (): void => {
    while (pos < text.length) {
      const c = text[pos]!;
      if (c === '#') {
        const nl = text.indexOf('\n', pos);
        pos = nl < 0 ? text.length : nl + 1;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\0') pos++;
      else break;
    }
  };

  const name = (): string => {
    const start = pos;
    while (pos < text.length && NAME.test(text[pos]!)) pos++;
    if (pos === start) fail(`expected a name, found ${JSON.stringify(text[pos] ?? 'end of text')}`);
    return text.slice(start, pos);
  };

  const string = (): string => {
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text[pos++]!;
      if (c === '"') return out;
      if (c === '\\') {
        if (pos >= text.length) fail('unterminated string');
        out += text[pos++]!;
      } else out += c;
    }
  };

  const number = (): number => {
    const m = /^[-+]?[0-9]+(\.[0-9]*)?/.exec(text.slice(pos, pos + 40));
    if (!m) return fail(`expected a value, found ${JSON.stringify(text[pos] ?? 'end of text')}`);
    pos += m[0].length;
    const v = Number(m[0]);
    if (!m[1] && !Number.isSafeInteger(v)) fail(`number ${m[0]} is too large`);
    return v;
  };

  const value = (depth: number): MetaValue => {
    if (depth > MAX_DEPTH) fail('lists nested too deeply');
    const c = text[pos];
    if (c === '"') return string();
    if (c !== '[') return number();
    pos++;
    const list: MetaValue[] = [];
    skip();
    if (text[pos] === ']') {
      pos++;
      return list;
    }
    for (;;) {
      skip();
      if (list.length === MAX_LIST) fail(`list longer than ${MAX_LIST} items`);
      list.push(value(depth + 1));
      skip();
      const sep = text[pos++];
      if (sep === ']') return list;
      if (sep !== ',') fail(`expected ',' or ']' in a list, found ${JSON.stringify(sep ?? 'end of text')}`);
    }
  };

  const section = (depth: number, closed: boolean): MetaSection => {
    if (depth > MAX_DEPTH) fail('sections nested too deeply');
    const out: MetaSection = { values: new Map(), sections: new Map() };
    for (;;) {
      skip();
      if (pos >= text.length) {
        if (closed) fail("missing '}' at end of text");
        return out;
      }
      if (text[pos] === '}') {
        if (!closed) fail("unexpected '}'");
        pos++;
        return out;
      }
      const key = name();
      skip();
      const op = text[pos++];
      if (op === '=') {
        skip();
        out.values.set(key, value(depth));
      } else if (op === '{') {
        out.sections.set(key, section(depth + 1, true));
      } else fail(`expected '=' or '{' after ${JSON.stringify(key)}`);
    }
  };

  return section(0, false);
}
