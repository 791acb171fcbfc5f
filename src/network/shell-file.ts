import { parseShellVars, setShellVar, shellVars } from '../editors/shell-vars.js';

// Helpers over src/editors/shell-vars.ts for the network stacks that keep their settings as
// shell variables (RHEL ifcfg, SUSE wicked ifcfg and config).

/** Remove every assignment whose key matches, comments and other lines kept. */
export function unsetShellVars(text: string, matches: (key: string) => boolean): string {
  const drop = new Set(parseShellVars(text).filter((a) => matches(a.key)).map((a) => a.line));
  if (drop.size === 0) return text;
  return text.split('\n').filter((_, n) => !drop.has(n)).join('\n');
}

/** Set KEY, or remove it when `value` is undefined. */
export function putShellVar(text: string, key: string, value: string | undefined): string {
  return value === undefined ? unsetShellVars(text, (k) => k === key) : setShellVar(text, key, value);
}

/**
 * Make the numbered series KEY<first>, KEY<first+1>... hold exactly `vals` (DNS1.., IPADDR1..):
 * existing ones rewritten in place, the rest removed, missing ones appended.
 */
export function putShellSeries(text: string, key: string, vals: string[], first: number): string {
  const re = new RegExp(`^${key}(\\d+)$`);
  const present = Object.keys(shellVars(text)).filter((k) => re.test(k) && Number(re.exec(k)![1]) >= first);
  let out = unsetShellVars(text, (k) => present.includes(k) && Number(re.exec(k)![1]) >= first + vals.length);
  vals.forEach((v, i) => (out = setShellVar(out, `${key}${first + i}`, v)));
  return out;
}
