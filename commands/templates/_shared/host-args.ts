import type { Args, CommandDef } from '../../../src/shell/command.js';

// Which arguments of a parsed command line name host files or carry secrets, from the spec's
// `hostPath` and `secret` marks (src/shell/command.ts).

export interface HostFileArg {
  /** `--password-file` or the positional's name. */
  arg: string;
  path: string;
  secret: boolean;
}

export interface ArgMarks {
  hostFiles: HostFileArg[];
  /** Arguments marked secret whose value is written inline (not a file). */
  inlineSecrets: string[];
}

export function markedArgs(cmd: CommandDef, args: Args): ArgMarks {
  const marks: ArgMarks = { hostFiles: [], inlineSecrets: [] };
  const visit = (arg: string, spec: { hostPath?: true | ((v: string) => string | undefined); secret?: true }, value: unknown): void => {
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    for (const v of values) {
      const path = spec.hostPath === true ? v : spec.hostPath?.(v);
      if (path !== undefined) marks.hostFiles.push({ arg, path, secret: spec.secret === true });
      else if (spec.secret) marks.inlineSecrets.push(arg);
    }
  };
  for (const p of cmd.positionals ?? []) visit(p.name, p, args.positionals[p.name]);
  for (const [name, o] of Object.entries(cmd.options ?? {})) visit(`--${name}`, o, args.options[name]);
  return marks;
}
