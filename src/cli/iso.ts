import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import type { IsoArgs } from '../libvirt/iso.js';
import { connectOption, debugOption, jsonOption, noColorOption } from './common-options.js';
import { usage } from './help.js';
import { defineCliCommand, useColor } from './spec.js';

const options = {
  domain: { type: 'string', valueName: 'NAME', description: 'the libvirt domain' },
  target: { type: 'string', valueName: 'DEV', description: 'the CD-ROM drive (e.g. hdc, sda); needed when the domain has several' },
  force: { type: 'boolean', description: 'change the medium even when the guest has locked the tray' },
  connect: connectOption,
  json: jsonOption,
  'no-color': noColorOption,
  debug: debugOption,
} as const;

const iso = defineCliCommand<IsoArgs>({
  name: 'iso',
  summary: 'list, insert or eject the CD-ROM media of a VM',
  description: `The CD-ROM drives of a libvirt domain and their media. With one CD-ROM drive it is picked;
with several, name one with --target. A running domain is changed live and in its persistent
definition, a shut-off one in its definition. The ISO (insert only) is a file on the libvirt
host (checked first when it is this host).`,
  forms: ['list|insert|eject --domain [ISO] [--target] [--force] [--connect] [--json]'],
  positionals: [
    { name: 'list|insert|eject', description: 'show the drives and media, put an ISO in, or take the medium out' },
    { name: 'ISO', optional: true, description: 'the ISO file to insert' },
  ],
  options,
  examples: [
    'guestctl iso list --domain web01',
    'guestctl iso insert --domain web01 /srv/iso/debian.iso',
    'guestctl iso eject --domain web01 --target hdc --force',
  ],
  parse: parseIsoArgs,
  async run(opts) {
    const { runIso } = await import('../libvirt/iso.js');
    return runIso(opts);
  },
});
export default iso;

export function parseIsoArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): IsoArgs {
  const parsed = parseArgv(argv, options, usage(iso));
  const [action, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (action !== 'list' && action !== 'insert' && action !== 'eject')
    throw new CliError('usage', action === undefined ? 'guestctl iso needs list, insert or eject: see guestctl iso --help' : `unknown iso action '${action}': list, insert or eject`);
  if (!v.domain) throw new CliError('usage', `guestctl iso ${action} needs --domain NAME`);
  if (v.connect !== undefined && !v.connect.trim()) throw new CliError('usage', '--connect needs a libvirt URI, e.g. qemu:///system');
  if (action === 'insert' && rest.length !== 1) throw new CliError('usage', rest.length === 0 ? 'guestctl iso insert needs the ISO file: guestctl iso insert --domain NAME /path/to/file.iso' : `unexpected argument '${rest[1]}'`);
  if (action !== 'insert' && rest.length > 0) throw new CliError('usage', `unexpected argument '${rest[0]}'`);
  if (action === 'list' && (v.target !== undefined || v.force)) throw new CliError('usage', `--${v.force ? 'force' : 'target'} is for insert and eject`);
  return {
    action,
    domain: v.domain,
    ...(action === 'insert' ? { iso: rest[0]! } : {}),
    ...(v.target !== undefined ? { target: v.target } : {}),
    force: v.force === true,
    json: v.json === true,
    ...(v.connect !== undefined ? { connect: v.connect.trim() } : {}),
    color: useColor(v['no-color'], env),
  };
}
