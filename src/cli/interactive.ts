import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import { parseKeySpec } from '../luks/key-spec.js';
import type { InteractiveOptions } from '../shell/session.js';
import { agentSocketOption, connectOption, debugOption, domainOption, jsonOption, noColorOption } from './common-options.js';
import { usage } from './help.js';
import { defineCliCommand, useColor } from './spec.js';

const options = {
  ro: { type: 'boolean', description: 'read-only, truly (also an image a running VM holds)' },
  format: { type: 'string', valueName: 'FMT', description: 'the image format, instead of detecting it from the content' },
  key: {
    type: 'string',
    valueName: 'DEV:key:PASS|DEV:file:FILE',
    multiple: true,
    description: 'the key of a LUKS volume (DEV: /dev/sda2, a LUKS UUID, or all); prefer file: or the prompt, since a key: is in your shell history',
  },
  'rw-raid': { type: 'boolean', description: 'assemble md RAID arrays with the host md driver (RAID1 read-write, other levels at all)' },
  command: { type: 'string', short: 'c', valueName: 'CMD', multiple: true, description: 'run this shell command line and exit (repeatable)' },
  json: jsonOption,
  'keep-going': { type: 'boolean', description: 'in a script (-c or stdin), go on after a failing command' },
  domain: domainOption,
  connect: { ...connectOption, description: `with --domain: ${connectOption.description}` },
  offline: { type: 'boolean', description: "with --domain: open the domain's disks offline even when it runs (then read-only: --ro)" },
  'agent-socket': agentSocketOption,
  'no-color': noColorOption,
  debug: debugOption,
} as const;

const interactive = defineCliCommand<InteractiveOptions>({
  name: 'interactive',
  aliases: ['shell'],
  summary: 'a shell on a disk image, a directory holding a guest root, or a running VM',
  description:
    "Without -c, commands come from the prompt (on a terminal) or one per line from stdin. Inside the shell, 'help' lists the commands.",
  forms: [
    'IMAGE|DIR [IMAGE...] [--ro] [--format] [--key] [--rw-raid] [-c] [--json] [--keep-going]',
    '--domain [--connect] [--offline] [--key] [--rw-raid] [--ro] [-c] [--json] [--keep-going]',
    '--agent-socket [--ro] [-c] [--json] [--keep-going]',
  ],
  positionals: [
    { name: 'IMAGE|DIR', optional: true, description: 'a disk image (raw, qcow2, vmdk, vdi, vhdx) or a directory' },
    { name: 'IMAGE...', optional: true, description: "the machine's other disks, in order (/dev/sdb, /dev/sdc...): fstab and volume groups may span them" },
  ],
  options,
  examples: [
    'guestctl interactive vm.qcow2',
    'guestctl interactive --ro vm.qcow2 -c info -c "ls -l /etc/ssh"',
    'guestctl interactive --ro system.qcow2 data.qcow2 -c filesystems',
    'guestctl interactive --key /dev/sda2:file:/root/luks.key encrypted.qcow2',
    'guestctl interactive --domain web01 --connect qemu:///system',
    'guestctl interactive --agent-socket /run/qga.sock --json -c "ps"',
  ],
  parse: parseInteractiveArgs,
  async run(opts, deps) {
    const { runInteractive } = await import('../shell/session.js');
    return runInteractive(opts, () => deps.loadRegistry());
  },
});
export default interactive;

export function parseInteractiveArgs(argv: string[], env: NodeJS.ProcessEnv): InteractiveOptions {
  const parsed = parseArgv(argv, options, usage(interactive));
  const [target, ...extra] = parsed.positionals;
  const v = parsed.values;
  const live = v['agent-socket'] !== undefined || v.domain !== undefined;
  if (v['agent-socket'] !== undefined && v.domain !== undefined) throw new CliError('usage', 'give either --domain NAME or --agent-socket PATH, not both');
  if (v.connect !== undefined && v.domain === undefined) throw new CliError('usage', '--connect goes with --domain NAME');
  if (v.offline === true && v.domain === undefined) throw new CliError('usage', '--offline goes with --domain NAME');
  if (live && target) throw new CliError('usage', `unexpected argument '${target}': a running guest is opened with --domain or --agent-socket alone`);
  if (v['agent-socket'] !== undefined && v['rw-raid'] === true) throw new CliError('usage', '--rw-raid is for disk images (and --domain opened offline), not running guests');
  if (live && v.format !== undefined) throw new CliError('usage', '--format is for disk images, not running guests');
  if (v['agent-socket'] !== undefined && v.key !== undefined) throw new CliError('usage', '--key is for disk images (and --domain opened offline), not running guests');
  const keys = (v.key ?? []).map((k) => {
    try {
      return parseKeySpec(k);
    } catch (err) {
      throw new CliError('usage', (err as Error).message);
    }
  });
  if (!live && !target)
    throw new CliError('usage', 'guestctl interactive needs an image file, a directory, --domain NAME or --agent-socket PATH: guestctl interactive vm.qcow2');
  return {
    target: target ?? '',
    ...(extra.length > 0 ? { moreDisks: extra } : {}),
    ...(v['agent-socket'] !== undefined ? { agentSocket: v['agent-socket'] } : {}),
    ...(v.domain !== undefined ? { domain: v.domain } : {}),
    ...(v.connect !== undefined ? { connect: v.connect } : {}),
    ...(v.offline === true ? { offline: true } : {}),
    readOnly: v.ro === true,
    format: v.format,
    keys,
    ...(v['rw-raid'] === true ? { rwRaid: true } : {}),
    commands: v.command ?? [],
    json: v.json === true,
    keepGoing: v['keep-going'] === true,
    color: useColor(v['no-color'], env),
    debug: v.debug === true,
  };
}
