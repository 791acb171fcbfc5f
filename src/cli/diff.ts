import { CliError } from '../util/errors.js';
import { parseArgv } from '../util/cli-args.js';
import type { ImageDiffOptions } from '../image-diff/run.js';
import { debugOption, jsonOption, noColorOption } from './common-options.js';
import { usage } from './help.js';
import { defineCliCommand, useColor } from './spec.js';

const options = {
  path: { type: 'string', valueName: 'DIR', description: 'compare only this guest directory (default /)' },
  'no-content': { type: 'boolean', description: 'metadata only: regular files of the same size count as the same' },
  times: { type: 'boolean', description: 'also report changed modification times' },
  checksum: { type: 'boolean', description: 'hash every file of the same size, even on overlays of one base' },
  json: { ...jsonOption, description: 'print one JSON object: {identical, sharedBase, hashed, differences: [...]}' },
  'no-color': noColorOption,
  debug: debugOption,
} as const;

const diff = defineCliCommand<ImageDiffOptions>({
  name: 'diff',
  summary: 'files added, removed and changed between two disk images (read-only)',
  description: `Opens both images read-only, walks both trees without following symlinks, and lists what
differs, sorted by path: + added, - removed, ~ changed with what changed (type, content,
mode, owner, xattrs, link target; mtime with --times). Contents are compared by SHA-256 only
when metadata cannot decide (see README: on qcow2 overlays of one base, a file with the same
inode, size, mtime and ctime is not read). Exit status: 0 identical, 1 different, 2 trouble.`,
  positionals: [
    { name: 'IMAGE_A', description: 'a disk image (or directory)' },
    { name: 'IMAGE_B', description: 'a disk image (or directory)' },
  ],
  options,
  examples: ['guestctl diff base.qcow2 overlay.qcow2', 'guestctl diff vm1.img vm2.img --path /etc --json', 'guestctl diff a.qcow2 b.qcow2 --no-content --times'],
  parse: parseDiffArgs,
  async run(opts) {
    const { runImageDiff } = await import('../image-diff/run.js');
    return runImageDiff(opts);
  },
});
export default diff;

export function parseDiffArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ImageDiffOptions {
  const parsed = parseArgv(argv, options, usage(diff));
  const [a, b, ...extra] = parsed.positionals;
  if (a === undefined || b === undefined) throw new CliError('usage', `two images to compare: ${usage(diff)}`);
  if (extra.length > 0) throw new CliError('usage', `unexpected argument '${extra[0]}': ${usage(diff)}`);
  const v = parsed.values;
  const path = v.path ?? '/';
  if (!path.startsWith('/')) throw new CliError('usage', `--path needs an absolute guest directory, not '${path}'`);
  if (v.checksum && v['no-content']) throw new CliError('usage', '--checksum and --no-content do not go together');
  return {
    a,
    b,
    path: path.length > 1 ? path.replace(/\/+$/, '') : path,
    json: v.json === true,
    content: v['no-content'] !== true,
    times: v.times === true,
    checksum: v.checksum === true,
    color: useColor(v['no-color'], env),
    debug: v.debug === true,
  };
}
