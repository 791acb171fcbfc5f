import { parseFstrim } from '../parsers/fstrim.js';
import { CliError } from '../util/errors.js';
import { firstLine, runTool } from '../util/run-tool.js';

/**
 * fstrim one mounted filesystem at its host directory: the loop device turns the discards into
 * holes punched in its backing file (the image, or the storage daemon's FUSE export, which
 * discards the clusters of the qcow2). Returns the bytes fstrim reports.
 */
export async function trimMount(hostDir: string, guestPath: string): Promise<number> {
  const r = await runTool('fstrim', ['-v', hostDir]);
  if (r.code !== 0) throw new CliError('failed', `fstrim ${guestPath}: ${firstLine(r.stderr).replaceAll(hostDir, guestPath) || `exit status ${r.code}`}`);
  const line = parseFstrim(r.stdout)[0];
  if (!line || line.bytes === null) throw new CliError('failed', `fstrim ${guestPath}: no byte count in its output (${firstLine(r.stdout)})`);
  return line.bytes;
}
