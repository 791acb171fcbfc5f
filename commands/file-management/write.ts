import type { Output } from '../../src/shell/output.js';
import { escapeForTerminal } from '../../src/shell/escape.js';
import { defineCommand } from '../../src/shell/command.js';
import { unescapeContent } from '../../src/shell/parse-line.js';
import { statOrNull } from '../../src/guest/stat-or-null.js';
import { matchLineEndings } from '../../src/editors/line-endings.js';
import { DRY_RUN, contentDiff, dryRunOption, dryRunPlan, isDryRunPlan, renderDryRun, type DryRunPlan } from '../../src/shell/dry-run.js';

const LINE_ENDING_SNIFF_MAX = 16 * 1024 * 1024;

export const write = defineCommand({
  name: 'write',
  category: 'file-management',
  summary: 'Write text to a guest file, replacing it atomically (\\n, \\t, \\\\ escapes are interpreted)',
  description:
    'CONTENT is one argument: quote it. The file is written under a temporary name and renamed into place, so readers ' +
    'see the old or the new content, never a mix. An existing file keeps its owner, mode and extended attributes; a new ' +
    'one is root:root 0644. A symlink is written through, resolved inside the guest. No newline is added: end CONTENT with \\n. ' +
    'A file whose lines all end in CRLF (Windows text) keeps CRLF: the new line breaks are written as CRLF too.',
  examples: ["write /etc/hostname 'web01\\n'", "write /etc/motd 'Welcome\\nAuthorized use only\\n'", "write --append /etc/hosts '10.0.0.5 db\\n'", "write /etc/motd 'Hello\\n' --dry-run"],
  positionals: [
    { name: 'PATH', complete: 'guest-path', description: 'guest file' },
    { name: 'CONTENT', description: 'the text (one quoted argument)' },
  ],
  options: {
    append: { type: 'boolean', short: 'a', description: 'add CONTENT at the end instead of replacing (still atomic)' },
    ...dryRunOption(),
  },
  needs: ['fs'],
  mutates: true,
  async run(ctx, args) {
    const fs = ctx.guest.fs;
    const path = ctx.guestPath(args.str('PATH'));
    let data: Buffer = Buffer.from(unescapeContent(args.str('CONTENT')), 'utf8');
    const append = args.flag('append');
    const before = await statOrNull(fs, path);
    // The old text is read for its line endings; a big file is not read just for that.
    const old = before?.type === 'file' && (append || before.size <= LINE_ENDING_SNIFF_MAX) ? await fs.readFile(path) : null;
    if (old) data = matchLineEndings(old, data);
    if (append && old) data = Buffer.concat([old, data]);
    if (args.flag(DRY_RUN)) {
      const what = before === null ? 'create' : append ? 'append to' : 'replace';
      return dryRunPlan([`${what} ${before?.path ?? path} (${data.length} bytes)`], before === null ? contentDiff(path, null, data) : old ? contentDiff(path, old, data) : undefined);
    }
    await fs.writeFile(path, data);
    const st = await fs.stat(path);
    return { path: st.path, size: st.size, created: before === null, appended: append && before !== null };
  },
  render(r: { path: string; size: number; created: boolean; appended: boolean } | DryRunPlan, out: Output) {
    if (isDryRunPlan(r)) return renderDryRun(r, out);
    out.line(escapeForTerminal(`${r.appended ? 'appended to' : r.created ? 'created' : 'replaced'} ${r.path} (${r.size} bytes)`));
  },
});
