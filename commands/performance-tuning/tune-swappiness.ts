import { defineCommand } from '../../src/shell/command.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { setSysctl } from './_shared/set-key.js';
import { renderTuneSet } from './_shared/render.js';

export const tuneSwappiness = defineCommand({
  name: 'tune-swappiness',
  aliases: ['swappiness'],
  category: 'performance-tuning',
  summary: 'Set vm.swappiness (0-200) for every boot, as tune-set vm.swappiness N does',
  description:
    'How readily the kernel swaps anonymous memory instead of dropping page cache: 0 avoids swapping, 60 is the default, values above 100 (Linux 5.8 and later) prefer swapping. ' +
    'On a running guest the value is also applied now.',
  examples: ['tune-swappiness 10', 'tune-swappiness 1 --dry-run'],
  positionals: [{ name: 'N', complete: 'none', description: 'the new value, 0-200' }],
  options: dryRunOption(),
  needs: ['fs'],
  mutates: true,
  journal: { trees: [] },
  run: (ctx, args) => setSysctl(ctx, 'vm.swappiness', args.str('N'), args.flag(DRY_RUN)),
  render: renderTuneSet,
});
