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
