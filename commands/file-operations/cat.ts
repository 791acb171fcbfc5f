import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { CliError } from '../../src/util/errors.js';
import { openGuestFile } from './_shared/guest-read.js';
import { contentBytes, contentJson, type FileContent } from './_shared/content-json.js';

export const cat = defineCommand({
  name: 'cat',
  category: 'file-operations',
  summary: 'Print a guest file',
  description:
    'The bytes go to stdout unchanged. With --json: {path, content} when the file is valid UTF-8, {path, base64} otherwise. Symlinks are followed inside the guest.',
  examples: ['cat /etc/os-release', 'cat /etc/fstab'],
  positionals: [{ name: 'PATH', complete: 'guest-path', description: 'a regular file in the guest' }],
  needs: ['fs'],
  async run(ctx, args) {
    const path = ctx.guestPath(args.str('PATH'));
    const reader = await openGuestFile(ctx.guest, path).catch((err) => {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new CliError('usage', `${path} is a directory (try: ls ${path})`);
      throw err;
    });
    try {
      const parts: Buffer[] = [];
      for await (const chunk of reader.chunks(ctx.signal)) parts.push(chunk);
      return contentJson(path, Buffer.concat(parts));
    } finally {
      await reader.close();
    }
  },
  render(c: FileContent, out: Output) {
    out.write(contentBytes(c));
  },
});
