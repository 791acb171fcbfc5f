import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Output } from '../shell/output.js';
import { CliError } from '../util/errors.js';
import { isActive, parseDomblklist, parseDominfo, type BlockDevice } from './parse.js';
import { hostOf, virsh, virshUri, VirshError, type VirshOptions } from './virsh.js';

// `guestctl iso list|insert|eject --domain NAME`: the CD-ROM media of a libvirt domain,
// through `virsh change-media`, on the live domain and its persistent definition where it
// has both (--live --config when running, --config when shut off, --live when transient).
// Options and help: src/cli/iso.ts.

export interface MediaPlan {
  domain: string;
  target: string;
  action: 'insert' | 'update' | 'eject';
  source: string | null;
  flags: string[];
  /** "live and persistent", … */
  scope: string;
  argv: string[];
}

export function cdroms(devs: BlockDevice[]): BlockDevice[] {
  return devs.filter((d) => d.device === 'cdrom');
}

/** The CD-ROM drive to act on: the only one, or the one named by --target. */
export function pickCdrom(devs: BlockDevice[], domain: string, target?: string): BlockDevice {
  const drives = cdroms(devs);
  const names = drives.map((d) => d.target).join(', ');
  if (target !== undefined) {
    const d = drives.find((x) => x.target === target);
    if (d) return d;
    const other = devs.find((x) => x.target === target);
    if (other) throw new CliError('usage', `${target} of domain ${domain} is a ${other.device ?? 'disk'}, not a CD-ROM${drives.length ? ` (CD-ROM drives: ${names})` : ''}`);
    throw new CliError('not-found', `domain ${domain} has no drive ${target}${drives.length ? ` (CD-ROM drives: ${names})` : ''}`);
  }
  if (drives.length === 0)
    throw new CliError(
      'not-found',
      `domain ${domain} has no CD-ROM drive: add one, e.g. virsh attach-disk ${domain} '' sdc --type cdrom --targetbus sata --config (then restart the domain)`,
    );
  if (drives.length > 1) throw new CliError('usage', `domain ${domain} has ${drives.length} CD-ROM drives (${names}): choose one with --target`);
  return drives[0]!;
}

/** Where a change applies: live and persistent when running, persistent when shut off, live when transient. */
export function mediaScope(stateCode: number | null, persistent: boolean | null): { flags: string[]; scope: string } {
  const live = isActive(stateCode);
  if (live && persistent !== false) return { flags: ['--live', '--config'], scope: 'live and persistent' };
  if (live) return { flags: ['--live'], scope: 'live only: the domain is transient' };
  return { flags: ['--config'], scope: 'persistent: the domain is not running' };
}

export function planMedia(opts: {
  domain: string;
  drive: BlockDevice;
  action: 'insert' | 'eject';
  iso?: string;
  stateCode: number | null;
  persistent: boolean | null;
  force: boolean;
  block?: boolean;
}): MediaPlan {
  const { flags, scope } = mediaScope(opts.stateCode, opts.persistent);
  const action = opts.action === 'eject' ? 'eject' : opts.drive.source ? 'update' : 'insert';
  const argv = [
    'change-media',
    '--domain',
    opts.domain,
    '--path',
    opts.drive.target,
    `--${action}`,
    ...(action === 'eject' ? [] : ['--source', opts.iso!]),
    ...flags,
    ...(opts.force ? ['--force'] : []),
    ...(opts.block ? ['--block'] : []),
  ];
  return { domain: opts.domain, target: opts.drive.target, action, source: action === 'eject' ? null : opts.iso!, flags, scope, argv };
}

/** change-media's failures in one sentence; the locked tray names --force. */
export function mediaError(err: unknown, plan: MediaPlan, force: boolean): unknown {
  if (!(err instanceof VirshError)) return err;
  const text = err.stderr || err.message;
  if (!force && /is locked|waiting to open tray|tray of device .* is not open|tray is locked/i.test(text))
    return new CliError('locked', `the guest keeps the CD-ROM tray of ${plan.domain} (${plan.target}) locked: retry with --force to change the medium anyway`);
  if (err.kind === 'unsupported') return new CliError('unsupported', `cannot change media of ${plan.domain}: ${err.message}`);
  return err;
}

export interface IsoArgs {
  action: 'list' | 'insert' | 'eject';
  domain: string;
  iso?: string;
  target?: string;
  force: boolean;
  json: boolean;
  connect?: string;
  color: boolean;
}

/** The ISO as libvirt will see it: absolute; checked on this host when libvirt runs here. */
export async function resolveIso(iso: string, uri: string | undefined): Promise<{ path: string; block: boolean }> {
  if (!iso.trim()) throw new CliError('usage', 'the ISO path is empty');
  const remote = hostOf(uri) !== 'localhost';
  if (remote) {
    if (!isAbsolute(iso)) throw new CliError('usage', `give the ISO's absolute path on ${hostOf(uri)}: ${iso} is relative`);
    return { path: iso, block: false };
  }
  const path = resolve(iso);
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError('not-found', `no such ISO file on this host: ${path}`);
    if (code === 'EACCES') throw new CliError('failed', `cannot read the ISO file ${path}: permission denied`);
    throw err;
  }
  if (st.isDirectory()) throw new CliError('usage', `${path} is a directory, not an ISO file`);
  if (!st.isFile() && !st.isBlockDevice()) throw new CliError('usage', `${path} is not a file`);
  return { path, block: st.isBlockDevice() };
}

export interface IsoIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  virshProgram?: string;
}

export async function runIso(a: IsoArgs, io: Partial<IsoIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const env = io.env ?? process.env;
  const out = new Output(a.json, a.color, { stdout, stderr: io.stderr ?? process.stderr });
  const vopts: VirshOptions = { uri: a.connect, env, program: io.virshProgram };
  const uri = virshUri(vopts);
  const listDrives = async () => parseDomblklist(await virsh(['domblklist', '--domain', a.domain, '--details'], vopts));

  if (a.action === 'list') {
    const drives = cdroms(await listDrives());
    const rows = drives.map((d) => ({ target: d.target, type: d.type, source: d.source }));
    if (a.json) out.printJson(rows);
    else if (rows.length === 0) out.line(`domain ${a.domain} has no CD-ROM drive`);
    else out.table(['TARGET', 'MEDIUM'], rows.map((r) => [r.target, r.source ?? '(empty)']));
    return 0;
  }

  const iso = a.action === 'insert' ? await resolveIso(a.iso!, uri) : undefined;
  const drive = pickCdrom(await listDrives(), a.domain, a.target);
  if (a.action === 'eject' && drive.source === null) {
    if (a.json) out.printJson({ domain: a.domain, target: drive.target, action: 'none', source: null });
    else out.line(`${drive.target} of ${a.domain} is already empty`);
    return 0;
  }
  const info = parseDominfo(await virsh(['dominfo', '--domain', a.domain], vopts));
  const plan = planMedia({
    domain: a.domain,
    drive,
    action: a.action,
    ...(iso ? { iso: iso.path, block: iso.block } : {}),
    stateCode: info.stateCode,
    persistent: info.persistent,
    force: a.force,
  });
  try {
    await virsh(plan.argv, vopts);
  } catch (err) {
    throw mediaError(err, plan, a.force);
  }
  // Read it back: the change must show in the domain's (live, else persistent) definition.
  const now = (await listDrives()).find((d) => d.target === plan.target);
  if (!now || now.source !== plan.source)
    throw new CliError('failed', `virsh change-media reported success, but ${plan.target} of ${a.domain} now holds ${now?.source ?? 'nothing'}`);
  if (a.json) out.printJson({ domain: a.domain, target: plan.target, action: plan.action, source: plan.source, scope: plan.scope });
  else if (plan.action === 'eject') out.line(`ejected ${drive.source} from ${plan.target} of ${a.domain} (${plan.scope})`);
  else out.line(`inserted ${plan.source} into ${plan.target} of ${a.domain}${drive.source ? `, replacing ${drive.source}` : ''} (${plan.scope})`);
  return 0;
}
