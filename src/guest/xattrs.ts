import { runTool } from '../util/run-tool.js';

// Extended attributes (SELinux label, ACLs, capabilities) travel with a replaced file.
// Node has no xattr API, so the attr package's tools do the work; they act on the
// link itself (-h), never on a symlink target.

/**
 * The xattrs of a file as `name=0xhex` lines, or null when it has none. A failed read is an
 * error (a replace would silently drop the label, ACLs and capabilities); only a filesystem
 * without xattr support (e.g. a FUSE driver: "Operation not supported") truly has none.
 */
export async function readXattrs(hostPath: string, shownAs = hostPath): Promise<string | null> {
  const r = await runTool('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', '-e', 'hex', '--', hostPath]);
  if (r.code !== 0) {
    const errors = r.stderr.split('\n').filter((l) => l.trim() !== '');
    if (errors.length > 0 && errors.every((l) => l.endsWith(': Operation not supported'))) return null;
    // Its messages name the host path: show the caller's name for the file instead.
    const cause = errors.map((l) => l.replace(/^getfattr: /, '').split(`${hostPath}: `).join('')).join('; ');
    throw new Error(`cannot read the extended attributes of ${shownAs} to keep them (SELinux label, ACLs, capabilities): getfattr: ${cause || `exit status ${r.code}`}`);
  }
  const lines = r.stdout.split('\n').filter((l) => l.includes('='));
  return lines.length > 0 ? lines.join('\n') : null;
}

export async function writeXattrs(hostPath: string, dump: string): Promise<void> {
  for (const line of dump.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line.slice(0, eq);
    const value = line.slice(eq + 1);
    const r = await runTool('setfattr', ['-h', '-n', name, '-v', value, '--', hostPath]);
    if (r.code !== 0) throw new Error(`cannot keep the extended attribute ${name}: ${r.stderr.trim()}`);
  }
}

/**
 * One xattr of the file itself (-h), or null when it has none of that name or the filesystem
 * has no xattrs. Any other failure is an error.
 */
export async function readXattr(hostPath: string, name: string, shownAs = hostPath): Promise<Buffer | null> {
  const r = await runTool('getfattr', ['--absolute-names', '-h', '-n', name, '-e', 'hex', '--', hostPath]);
  if (r.code !== 0) {
    const cause = r.stderr.trim().replace(/^getfattr: /, '').split(`${hostPath}: `).join('');
    if (/: No such attribute$|^No such attribute$|Operation not supported$/.test(cause)) return null;
    throw new Error(`cannot read the extended attribute ${name} of ${shownAs}: getfattr: ${cause || `exit status ${r.code}`}`);
  }
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${name}=`));
  if (line === undefined) return null;
  const value = line.slice(name.length + 1);
  if (!/^0x([0-9a-f]{2})*$/i.test(value)) throw new Error(`cannot read the extended attribute ${name} of ${shownAs}: getfattr printed ${JSON.stringify(value)}`);
  return Buffer.from(value.slice(2), 'hex');
}
