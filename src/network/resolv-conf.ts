import { IniEdit, parseIni, sectionIndexes } from './ini-lines.js';

// DNS outside a network stack: /etc/resolv.conf (nameserver/search lines) and systemd-resolved's
// /etc/systemd/resolved.conf ([Resolve] DNS=, Domains=). Everything else stays as it was.

export function readResolvConf(text: string): { servers: string[]; search: string[] } {
  const lines = text.split('\n').map((l) => l.trim().split(/\s+/));
  return {
    servers: lines.filter((t) => t[0] === 'nameserver' && t[1]).map((t) => t[1]!),
    search: lines.filter((t) => t[0] === 'search' || t[0] === 'domain').flatMap((t) => t.slice(1)),
  };
}

/** nameserver lines replaced where the first was; search replaced only when `search` is given. */
export function editResolvConf(text: string, servers: string[], search?: string[]): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const isOurs = (l: string) => /^\s*nameserver\s/.test(l) || (search !== undefined && /^\s*(search|domain)\s/.test(l));
  const first = lines.findIndex(isOurs);
  const wanted = [...(search !== undefined && search.length > 0 ? [`search ${search.join(' ')}`] : []), ...servers.map((s) => `nameserver ${s}`)];
  const kept = lines.filter((l) => !isOurs(l));
  const at = first < 0 ? kept.length : lines.slice(0, first).filter((l) => !isOurs(l)).length;
  kept.splice(at, 0, ...wanted);
  return kept.join('\n') + '\n';
}

export function editResolvedConf(text: string, servers: string[], search?: string[]): string {
  const doc = parseIni(text);
  const edit = new IniEdit(doc);
  const keys: [string, string[]][] = [['DNS', servers.length > 0 ? [servers.join(' ')] : []]];
  if (search !== undefined) keys.push(['Domains', search.length > 0 ? [search.join(' ')] : []]);
  const s = sectionIndexes(doc, 'Resolve')[0];
  if (s === undefined) {
    edit.appendSection('Resolve', keys.flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v])));
    return edit.render();
  }
  let near: number | undefined;
  for (const [k, vs] of keys) near = edit.setLines(s, (x) => x === k, vs.map((v) => `${k}=${v}`), near);
  return edit.render();
}
