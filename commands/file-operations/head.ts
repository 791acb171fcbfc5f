import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { openGuestFile } from './_shared/guest-read.js';
import { contentBytes, contentJson } from './_shared/content-json.js';

/** The first `lines` lines of `chunks` (a line ends at '\n'; a last line without one counts). */
async function firstLines(chunks: AsyncIterable<Buffer>, lines: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let left = lines;
  if (left === 0) return Buffer.alloc(0);
  for await (const chunk of chunks) {
    let from = 0;
    while (left > 0) {
      const nl = chunk.indexOf(10, from);
      if (nl === -1) break;
      from = nl + 1;
      left--;
    }
    if (left === 0) {
      parts.push(chunk.subarray(0, from));
      break;
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export const head = defineCommand({
  name: 'head',
  category: 'file-operations',
  summary: 'Print the first lines of a guest file',
  description: 'Reads only as much of the file as it prints. With --json: {path, lines, content} (or base64 when not UTF-8).',
  examples: ['head /etc/passwd', 'head -n 3 /var/log/syslog', 'head --lines 20 /etc/services'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'a regular file in the guest' }],
  options: {
    lines: { type: 'string', short: 'n', valueName: 'N', description: 'how many lines (default 10)' },
  },
  needs: ['fs'],
  async run(ctx, args) {
    const path = ctx.guestPath(args.str('PATH'));
    const n = args.optStr('lines') ?? '10';
    if (!/^\d+$/.test(n)) throw new CliError('usage', `head: -n takes a number of lines, not '${n}'`);
    const count = Number(n);
    const reader = await openGuestFile(ctx.guest, path).catch((err) => {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new CliError('usage', `${path} is a directory (try: ls ${path})`);
      throw err;
    });
    let data: Buffer;
    try {
      data = await firstLines(reader.chunks(ctx.signal), count);
    } finally {
      await reader.close();
    }
    const c = contentJson(path, data);
    return 'content' in c ? { path, lines: count, content: c.content } : { path, lines: count, base64: c.base64 };
  },
  render(c: { content: string } | { base64: string }, out: Output) {
    out.write(contentBytes(c));
  },
});
