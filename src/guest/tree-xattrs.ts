import type { LocalGuestFs } from './local-fs.js';
import { parseGetfattrDump } from '../parsers/getfattr-dump.js';
import { CliError } from '../util/errors.js';
import { runTool } from '../util/run-tool.js';

/**
 * The xattrs read where a backend can only get one by name (GuestFs.getXattr has no list): the
 * SELinux label, file capabilities and POSIX ACLs, the ones that change what a file may do.
 */
export const XATTRS_READ_BY_NAME = ['security.selinux', 'security.capability', 'system.posix_acl_access', 'system.posix_acl_default'] as const;


/**
 * Every xattr below guest path `start` of a host-backed guest, in one getfattr run (one process,
 * not one per file): -P never follows a symlink to a directory, -h reads a link's own
 * attributes. Guest path -> (name -> hex value). Files on a filesystem without xattrs (vfat)
 * have none; any other failure is an error whose message starts with `what`.
 */
export async function hostTreeXattrs(fs: LocalGuestFs, start: string, what: string): Promise<Map<string, Record<string, string>>> {
  const r = fs.hostPathOf(start, false);
  const rootLen = r.hostPath.length - (r.guestPath === '/' ? 0 : r.guestPath.length);
  const res = await runTool('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', r.hostPath]);
  const problems = res.stderr.split('\n').filter((l) => l.trim() !== '' && !l.endsWith(': Operation not supported'));
  if (res.code !== 0 && problems.length > 0) {
    const cause = problems[0]!.replace(/^getfattr: /, '').split(r.hostPath).join(r.guestPath === '/' ? '' : r.guestPath);
    throw new CliError('failed', `${what}: getfattr: ${cause}`);
  }
  const out = new Map<string, Record<string, string>>();
  for (const [host, xattrs] of parseGetfattrDump(res.stdout)) {
    if (!host.startsWith(r.hostPath)) throw new CliError('failed', `${what}: getfattr named a file outside ${r.guestPath}: ${host}`);
    out.set(host.slice(rootLen) || '/', xattrs);
  }
  return out;
}
