// Pure parser for the .reg text that hivex prints (hivexget HIVE KEY, hivexregedit --export):
//   [\Key\Path]                 a key (hivexget prints no header: its values belong to key '')
//   "Name"="text"               REG_SZ, with \\ and \" escaped
//   @="text"                    the key's default value
//   "Name"=dword:0000000a       REG_DWORD
//   "Name"=hex(N):01,02,...     any type N as bytes (hex: alone is REG_BINARY); long lines go on
//                               after a trailing backslash
// Hex strings (types 1 and 2, UTF-16LE) are decoded to text, hex(4) to a number.

export type RegValue =
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'dword'; value: number }
  | { name: string; type: 'binary'; regType: number; bytes: Buffer };

export type RegKeys = Map<string, RegValue[]>;

const REG_SZ = 1;
const REG_EXPAND_SZ = 2;
const REG_BINARY = 3;
const REG_DWORD = 4;

export function parseRegText(text: string): RegKeys {
  const keys: RegKeys = new Map();
  let current = '';
  for (const line of logicalLines(text)) {
    if (line === '' || line.startsWith(';') || line.startsWith('Windows Registry Editor')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      current = line.slice(1, -1);
      if (!keys.has(current)) keys.set(current, []);
      continue;
    }
    const value = parseValueLine(line);
    if (value === null) throw new Error(`unexpected line in registry text: ${line.slice(0, 80)}`);
    if (!keys.has(current)) keys.set(current, []);
    keys.get(current)!.push(value);
  }
  return keys;
}

/** The values of the one key in hivexget's output for a key. */
export function parseKeyValues(text: string): RegValue[] {
  return [...parseRegText(text).values()].flat();
}

function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = pending ? pending + raw.trim() : raw.trim();
    if (line.endsWith('\\') && /=hex(\([0-9a-f]+\))?:/i.test(line)) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = '';
    out.push(line);
  }
  if (pending) out.push(pending);
  return out;
}

function parseValueLine(line: string): RegValue | null {
  let name: string;
  let rest: string;
  if (line.startsWith('@=')) {
    name = '';
    rest = line.slice(2);
  } else if (line.startsWith('"')) {
    const end = closingQuote(line, 1);
    if (end < 0 || line[end + 1] !== '=') return null;
    name = unescape(line.slice(1, end));
    rest = line.slice(end + 2);
  } else return null;

  if (rest.startsWith('"')) {
    const end = closingQuote(rest, 1);
    if (end !== rest.length - 1) return null;
    return { name, type: 'string', value: unescape(rest.slice(1, end)) };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(rest);
  if (dword) return { name, type: 'dword', value: parseInt(dword[1]!, 16) };
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:([0-9a-fA-F,\s]*)$/.exec(rest);
  if (!hex) return null;
  const regType = hex[1] === undefined ? REG_BINARY : parseInt(hex[1], 16);
  const digits = hex[2]!.split(',').map((b) => b.trim()).filter((b) => b.length > 0);
  if (digits.some((b) => !/^[0-9a-fA-F]{1,2}$/.test(b))) return null;
  const bytes = Buffer.from(digits.map((b) => parseInt(b, 16)));
  if (regType === REG_SZ || regType === REG_EXPAND_SZ) return { name, type: 'string', value: utf16z(bytes) };
  if (regType === REG_DWORD && bytes.length === 4) return { name, type: 'dword', value: bytes.readUInt32LE(0) };
  return { name, type: 'binary', regType, bytes };
}

function closingQuote(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

function utf16z(bytes: Buffer): string {
  const text = bytes.subarray(0, bytes.length - (bytes.length % 2)).toString('utf16le');
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** A value by name (registry names are case-insensitive). */
export function findValue(values: readonly RegValue[], name: string): RegValue | undefined {
  const lower = name.toLowerCase();
  return values.find((v) => v.name.toLowerCase() === lower);
}

export function stringValue(values: readonly RegValue[], name: string): string | null {
  const v = findValue(values, name);
  return v?.type === 'string' ? v.value : null;
}

export function dwordValue(values: readonly RegValue[], name: string): number | null {
  const v = findValue(values, name);
  return v?.type === 'dword' ? v.value : null;
}
