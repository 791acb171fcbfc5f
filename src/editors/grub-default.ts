// /etc/default/grub: a shell file of GRUB_* variables that grub-mkconfig sources. Pure editors:
// text in, text out; every line but the one assignment changed stays byte-identical (see
// shell-vars.ts), and the value keeps the quoting it had.

import { getShellVar, setShellVar } from './shell-vars.js';

export const GRUB_DEFAULT_FILE = '/etc/default/grub';

/** Keys whose values have a known shape, with the check (null: fine, else why not). */
const CHECKS: Record<string, (v: string) => string | null> = {
  GRUB_TIMEOUT: (v) => (/^-?\d+$/.test(v) && Number(v) >= -1 ? null : 'a number of seconds (-1 waits forever)'),
  GRUB_RECORDFAIL_TIMEOUT: (v) => (/^-?\d+$/.test(v) && Number(v) >= -1 ? null : 'a number of seconds (-1 waits forever)'),
  GRUB_TIMEOUT_STYLE: (v) => (['menu', 'countdown', 'hidden'].includes(v) ? null : 'menu, countdown or hidden'),
  GRUB_DEFAULT: (v) => (v.trim() === '' ? 'saved, an entry number ("1>2" in a submenu), a title or an id' : null),
  GRUB_SAVEDEFAULT: bool,
  GRUB_DISABLE_OS_PROBER: bool,
  GRUB_DISABLE_RECOVERY: bool,
  GRUB_DISABLE_SUBMENU: (v) => (['true', 'false', 'y', 'n'].includes(v) ? null : 'true or false'),
  GRUB_DISABLE_LINUX_UUID: bool,
  GRUB_DISABLE_LINUX_PARTUUID: bool,
  GRUB_ENABLE_BLSCFG: bool,
  GRUB_TERMINAL: terminals,
  GRUB_TERMINAL_INPUT: terminals,
  GRUB_TERMINAL_OUTPUT: terminals,
  GRUB_SERIAL_COMMAND: (v) => (/^serial(\s|$)/.test(v) ? null : 'a grub `serial` command, e.g. "serial --unit=0 --speed=115200"'),
  GRUB_CMDLINE_LINUX: oneLine,
  GRUB_CMDLINE_LINUX_DEFAULT: oneLine,
  GRUB_GFXMODE: (v) => (/^(auto|\d+x\d+(x\d+)?)(,(auto|\d+x\d+(x\d+)?))*$/.test(v) ? null : 'auto or WIDTHxHEIGHT[xDEPTH], comma-separated'),
};

function bool(v: string): string | null {
  return v === 'true' || v === 'false' ? null : 'true or false';
}
function terminals(v: string): string | null {
  const known = ['console', 'serial', 'gfxterm', 'vga_text', 'mda_text', 'morse', 'spkmodem', 'ofconsole', 'at_keyboard', 'usb_keyboard'];
  const bad = v.split(/\s+/).filter((t) => t && !known.includes(t));
  return v.trim() !== '' && bad.length === 0 ? null : `one or more of ${known.join(', ')}`;
}
function oneLine(v: string): string | null {
  return v.includes('\n') ? 'a single line' : null;
}

/** Why KEY=VALUE is refused (null: accepted). Unknown GRUB_* keys take any one-line value. */
export function checkGrubSetting(key: string, value: string): string | null {
  if (!/^GRUB_[A-Z0-9_]+$/.test(key)) return `${key} is not a GRUB_* variable`;
  if (value.includes('\n')) return `${key} must be a single line`;
  const why = CHECKS[key]?.(value);
  return why ? `${key} must be ${why}, not '${value}'` : null;
}

export function setGrubVar(text: string | null, key: string, value: string): string {
  const why = checkGrubSetting(key, value);
  if (why) throw new Error(why);
  return setShellVar(text, key, value);
}

/** The kernel arguments of a command line, split as the kernel does (on blanks). */
export function splitArgs(cmdline: string): string[] {
  return cmdline.split(/\s+/).filter(Boolean);
}

/** An argument's name: `console` for `console=ttyS0`, the whole word for a flag (`quiet`). */
function argName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq < 0 ? arg : arg.slice(0, eq);
}

/**
 * Add ARG to a command line; idempotent. An argument the kernel may see several times
 * (console=) is added unless that exact one is there; `name=value` replaces an earlier value of a
 * name that takes one value.
 */
export function addArg(cmdline: string, arg: string): string {
  const args = splitArgs(cmdline);
  if (args.includes(arg)) return cmdline;
  const repeatable = ['console', 'earlycon', 'module_blacklist', 'modprobe.blacklist'].includes(argName(arg)) || !arg.includes('=');
  if (!repeatable) {
    const at = args.findIndex((a) => a.includes('=') && argName(a) === argName(arg));
    if (at >= 0) {
      args[at] = arg;
      return args.join(' ');
    }
  }
  return cmdline.trim() === '' ? arg : `${cmdline.replace(/\s+$/, '')} ${arg}`;
}

/** Remove ARG: an exact word, or with only a name (`console`), every `name=...` and `name`. */
export function removeArg(cmdline: string, arg: string): string {
  const args = splitArgs(cmdline);
  const keep = args.filter((a) => (arg.includes('=') ? a !== arg : argName(a) !== arg));
  return keep.length === args.length ? cmdline : keep.join(' ');
}

export interface ArgEdit {
  add: string[];
  remove: string[];
}

/** Apply --add-arg / --remove-arg to KEY (GRUB_CMDLINE_LINUX) of /etc/default/grub. */
export function editCmdline(text: string, edit: ArgEdit, key = 'GRUB_CMDLINE_LINUX'): string {
  for (const a of [...edit.add, ...edit.remove]) {
    if (a === '' || /[\s"'\\$`]/.test(a)) throw new Error(`not a single kernel argument: '${a}'`);
  }
  const before = getShellVar(text, key) ?? '';
  let value = before;
  for (const a of edit.remove) value = removeArg(value, a);
  for (const a of edit.add) value = addArg(value, a);
  return value === before ? text : setShellVar(text, key, value);
}
