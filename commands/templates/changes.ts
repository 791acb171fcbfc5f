import type { Output } from '../../src/shell/output.js';
import { defineCommand } from '../../src/shell/command.js';
import { escapeForTerminal, escapeLinesForTerminal } from '../../src/shell/escape.js';
import { describeRecords, type ChangeRecordView } from '../../src/change-journal/describe.js';
import { octalMode } from '../../src/util/format.js';

export const changes = defineCommand({
  name: 'changes',
  category: 'templates',
  summary: "List this session's changes in order, with the command that made each and the paths it touched",
  description:
    'Every mutating command run in this session (not with --dry-run) is listed with its command line and each guest path it ' +
    'changed through the file layer: created (did not exist before), modified, or removed, with the owner, mode and size it had ' +
    'before. A command that failed part-way is listed too, marked failed. With --diff, text files show a unified diff from ' +
    'before the command to right after it. Commands that run guest programs list what those changed in the trees their spec ' +
    "declares (offline) and the packages installed, removed or upgraded; package commands also list the paths their programs " +
    'created, modified or removed elsewhere in the guest (found by a metadata walk, no content kept). A program whose changes were not recorded is named. ' +
    'Commands reverted with `undo` are marked undone.',
  examples: ['changes', 'changes --diff'],
  options: {
    diff: { type: 'boolean', description: 'show a unified diff of each changed text file' },
  },
  async run(ctx, args) {
    return { records: describeRecords(ctx.session.journal?.records() ?? [], args.flag('diff')) };
  },
  render(r: { records: ChangeRecordView[] }, out: Output) {
    if (r.records.length === 0) {
      out.line('no changes in this session');
      return;
    }
    for (const rec of r.records) {
      out.line(`${rec.seq}. ${escapeForTerminal(rec.command)}${rec.ok ? '' : ' (failed)'}${rec.undone ? ' (undone)' : ''}`);
      for (const p of rec.packages?.installed ?? []) out.line(`   installed ${escapeForTerminal(`${p.name} ${p.version}`)}`);
      for (const p of rec.packages?.removed ?? []) out.line(`   removed   ${escapeForTerminal(`${p.name} ${p.version}`)}`);
      for (const p of rec.packages?.upgraded ?? []) out.line(`   upgraded  ${escapeForTerminal(`${p.name} ${p.from} -> ${p.to}`)}`);
      for (const p of rec.outside ?? []) out.line(`   ${p.change.padEnd(8)} ${escapeForTerminal(p.path)} (outside the snapshotted trees: ${p.change === 'created' ? 'undo removes it' : 'content not kept, undo cannot put it back'})`);
      for (const p of rec.untracked ?? []) out.line(`   ran ${escapeForTerminal(p)} (its other changes are not recorded)`);
      if (rec.paths.length === 0 && (rec.outside ?? []).length === 0) out.line('   (no file changes recorded)');
      for (const p of rec.paths) {
        const was = p.before === 'absent' ? 'did not exist' : `was ${p.before.type} ${octalMode(p.before.mode)} ${p.before.uid}:${p.before.gid}`;
        out.line(`   ${p.change.padEnd(8)} ${escapeForTerminal(p.path)} (${was})`);
        if (p.diff) out.write(escapeLinesForTerminal(p.diff));
      }
    }
  },
});
