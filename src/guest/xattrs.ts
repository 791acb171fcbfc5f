import { runTool } from '../util/run-tool.js';

// Extended attributes (SELinux label, ACLs, capabilities) travel with a replaced file.
// Node has no xattr API, so the attr package's tools do the work; they act on the
// link itself (-h), never on a symlink target.

export async function readXattrs(hostPath: string): Promise<string | null> {
  const r = await runTool('getfattr', ['--absolute-names', '-h', '-d', '-m', '-', '-e', 'hex', '--', hostPath]);
  if (r.code !== 0) return null;
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
