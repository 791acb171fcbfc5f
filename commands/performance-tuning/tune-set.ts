import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { setSysctl } from './_shared/set-key.js';
import { renderTuneSet } from './_shared/render.js';

export const tuneSet = defineCommand({
  name: 'tune-set',
  aliases: ['sysctl-set'],
  category: 'performance-tuning',
  summary: "Set a kernel setting (sysctl) for every boot, in guestctl's own /etc/sysctl.d drop-in",
  description:
    'Writes KEY = VALUE into /etc/sysctl.d/99-zz-guestctl.conf, whose name sorts after the usual files (99-sysctl.conf included) so it wins the merge; ' +
    'a file read later that sets the same key is named in a note. Values of well-known keys are range-checked (vm.swappiness 0-200, net.ipv4.ip_forward 0/1, ' +
    'vm.overcommit_memory 0-2, fs.file-max at least 1, kernel.randomize_va_space 0-2 ...). On a running guest the value is also applied with sysctl -w and read back; ' +
    'if the kernel does not take it, the file is restored.',
  examples: ['tune-set vm.swappiness 10', 'tune-set net.ipv4.ip_forward 1', 'tune-set fs.file-max 2097152 --dry-run'],
  positionals: [
    { name: 'KEY', complete: 'none', description: 'the key, dotted (vm.swappiness) or as a path (vm/swappiness)' },
    { name: 'VALUE', complete: 'none', description: 'the value' },
  ],
  options: dryRunOption(),
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  run: (ctx, args) => setSysctl(ctx, args.str('KEY'), args.str('VALUE'), args.flag(DRY_RUN)),
  render: renderTuneSet,
});
