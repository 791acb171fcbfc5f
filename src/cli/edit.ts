import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import { isWindowsPath } from '../host-editor/edit-guest-file.js';
import type { LiveEditOptions } from '../host-editor/live-edit.js';
import { agentSocketOption, connectOption, debugOption, domainOption, jsonOption, noColorOption } from './common-options.js';
import { usage } from './help.js';
import { defineCliCommand, useColor } from './spec.js';

const options = {
  domain: domainOption,
  connect: { ...connectOption, description: `with --domain: ${connectOption.description}` },
  'agent-socket': agentSocketOption,
  local: { type: 'string', short: 'l', valueName: 'PATH', description: 'keep the working copy at this new host path (default: a private temp dir)' },
  backup: { type: 'boolean', short: 'b', description: 'keep the old version next to the file in the guest' },
  json: jsonOption,
  'no-color': noColorOption,
  debug: debugOption,
} as const;

const edit = defineCliCommand<LiveEditOptions>({
  name: 'edit',
  summary: 'edit a file of a running VM with $EDITOR',
  description: `Through the VM's guest agent (--domain, or --agent-socket for plain QEMU): download, run
$VISUAL or $EDITOR, and upload only when the SHA-256 changed (after a diff and a question on a
terminal), replacing the file atomically. A file the guest changed meanwhile is not overwritten;
on any failure the guest file stays as it was and your copy is kept on the host.`,
  forms: ['--domain [--connect] GUEST_PATH [--local] [--backup] [--json]', '--agent-socket GUEST_PATH [--local] [--backup] [--json]'],
  positionals: [{ name: 'GUEST_PATH', description: 'an absolute path in the guest (/etc/fstab, or C:\\path on Windows)' }],
  options,
  examples: ['guestctl edit --domain web01 /etc/nginx/nginx.conf', 'guestctl edit --agent-socket /run/qga.sock --backup /etc/hosts'],
  parse: parseEditArgs,
  async run(opts) {
    const { runLiveEdit } = await import('../host-editor/live-edit.js');
    return runLiveEdit(opts);
  },
});
export default edit;

export function parseEditArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): LiveEditOptions {
  const parsed = parseArgv(argv, options, usage(edit));
  const v = parsed.values;
  const [path, ...extra] = parsed.positionals;
  if (v.domain === undefined && v['agent-socket'] === undefined) throw new CliError('usage', `guestctl edit needs a running guest: ${usage(edit)}`);
  if (v.domain !== undefined && v['agent-socket'] !== undefined) throw new CliError('usage', 'give either --domain NAME or --agent-socket PATH, not both');
  if (v.connect !== undefined && v.domain === undefined) throw new CliError('usage', '--connect goes with --domain NAME');
  if (!path) throw new CliError('usage', `which guest file? ${usage(edit)}`);
  if (extra.length > 0) throw new CliError('usage', `unexpected argument '${extra[0]}': one guest file at a time`);
  if (!path.startsWith('/') && !isWindowsPath(path)) throw new CliError('usage', `GUEST_PATH must be absolute (/etc/fstab, or C:\\path on Windows): '${path}'`);
  if (v.local !== undefined && !v.local.trim()) throw new CliError('usage', '--local needs a host path');
  return {
    ...(v.domain !== undefined ? { domain: v.domain } : {}),
    ...(v.connect !== undefined ? { connect: v.connect } : {}),
    ...(v['agent-socket'] !== undefined ? { agentSocket: v['agent-socket'] } : {}),
    path,
    ...(v.local !== undefined ? { localPath: v.local } : {}),
    backup: v.backup === true,
    json: v.json === true,
    color: useColor(v['no-color'], env),
    debug: v.debug === true,
  };
}
