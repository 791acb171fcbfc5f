// --key, as virt-inspector takes it: `ID:key:PASSPHRASE`, `ID:file:HOSTFILE`, where ID is a
// guest device name (/dev/sda2), a LUKS UUID, or `all`. The passphrase may itself hold colons.

export type KeySelector = { kind: 'all' } | { kind: 'device'; device: string } | { kind: 'uuid'; uuid: string };
export type KeySource = { kind: 'key'; passphrase: string } | { kind: 'file'; path: string };
export interface KeySpec {
  selector: KeySelector;
  source: KeySource;
}

const FORMS = 'give DEVICE:key:PASSPHRASE, DEVICE:file:FILE, all:key:PASSPHRASE or all:file:FILE';

/** Parse one --key value; the error never repeats the value (it may be a passphrase). */
export function parseKeySpec(value: string): KeySpec {
  const first = value.indexOf(':');
  const second = first < 0 ? -1 : value.indexOf(':', first + 1);
  if (first <= 0 || second < 0) throw new Error(`--key: ${FORMS}`);
  const id = value.slice(0, first);
  const type = value.slice(first + 1, second);
  const rest = value.slice(second + 1);
  const selector: KeySelector = id === 'all' ? { kind: 'all' } : id.startsWith('/dev/') ? { kind: 'device', device: id } : { kind: 'uuid', uuid: id.toLowerCase() };
  if (type === 'key') return { selector, source: { kind: 'key', passphrase: rest } };
  if (type === 'file') {
    if (rest === '') throw new Error(`--key ${id}:file: needs a file name`);
    return { selector, source: { kind: 'file', path: rest } };
  }
  throw new Error(`--key ${id}: unknown key type '${type.slice(0, 20)}' (${FORMS})`);
}

/** The key given for a volume: one naming its device (or an alias) or its UUID wins over `all`; the first given wins. */
export function keySpecFor(specs: KeySpec[], names: string[], uuid: string | null): KeySpec | undefined {
  const lower = uuid?.toLowerCase();
  const named = specs.find(
    (s) => (s.selector.kind === 'device' && names.includes(s.selector.device)) || (s.selector.kind === 'uuid' && s.selector.uuid === lower),
  );
  return named ?? specs.find((s) => s.selector.kind === 'all');
}
