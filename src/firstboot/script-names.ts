// First-boot script file names: NNNN-label. The number orders them (the runner runs them in
// name order); a new one gets one past the highest number pending, done or failed, so a number
// names one script as long as its file exists.

const NAME = /^(\d{4,})-([A-Za-z0-9._-]+)$/;

export interface ScriptName {
  number: number;
  label: string;
}

/** Number and label of a script file name, or null for a file guestctl did not name. */
export function parseScriptName(name: string): ScriptName | null {
  const m = NAME.exec(name);
  return m ? { number: Number(m[1]), label: m[2]! } : null;
}

/** A label safe as a file name part: the host file's base name, or `command`. */
export function scriptLabel(source: string): string {
  const label = source.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 64);
  return label === '' ? 'script' : label;
}

/** The file name of a new script: one more than the highest number in use. */
export function nextScriptName(existing: readonly string[], label: string): string {
  const numbers = existing.map(parseScriptName).filter((n): n is ScriptName => n !== null).map((n) => n.number);
  const next = Math.max(0, ...numbers) + 1;
  return `${String(next).padStart(4, '0')}-${scriptLabel(label)}`;
}

/** The script a `--command` becomes: the line(s) run by /bin/sh. */
export function commandScript(command: string): string {
  return `#!/bin/sh\n${command.replace(/\n*$/, '')}\n`;
}
