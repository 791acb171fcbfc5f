import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { searchStep } from '../../src/packages/manager-commands.js';
import { runManagerStep } from '../../src/packages/run-step.js';
import { parseSearch, type SearchRow } from '../../src/parsers/package-search.js';
import { CliError } from '../../src/util/errors.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { TIMEOUT_OPTION, guestManager, refreshLists, timeoutMs } from './_shared/manager.js';

const APT_LISTS = '/var/lib/apt/lists';

export const search = defineCommand({
  name: 'search',
  category: 'package-management',
  summary: "Search the guest's repositories for packages: name and summary",
  description:
    "apt-cache search (the guest's downloaded lists: when it has none, as a freshly built image often has, they are fetched " +
    'first with apt-get update, which changes only the lists), dnf/yum search, zypper search, pacman -Ss, apk search. TERM is a ' +
    'regular expression for apt and pacman, a word for the others. With --json: one object per package.',
  examples: ['search nginx', "search '^python3-req'", 'search nginx --dry-run'],
  positionals: [{ name: 'TERM', description: 'what to look for in names and summaries', complete: 'none' }],
  options: { ...TIMEOUT_OPTION, ...dryRunOption("search only the lists the guest has: never fetch them (apt), so nothing is written") },
  needs: ['exec'],
  // Only when apt's lists are empty are they fetched (only the lists change, never a package):
  // not a change a read-only session refuses outright; --dry-run never fetches them.
  mutates: false,
  async run(ctx, args) {
    const m = guestManager(ctx);
    const timeout = timeoutMs(args.optStr('timeout'));
    const term = args.str('TERM');
    if (term === '' || term.startsWith('-')) throw new CliError('usage', `not a search term: ${JSON.stringify(term)}`);
    if (m === 'apt' && !(await hasAptLists(ctx.guest.fs))) {
      if (args.flag(DRY_RUN)) {
        ctx.out.note("dry run: the guest has no package lists and they are not fetched, so nothing can be found (a search without --dry-run runs apt-get update first)");
        return [];
      }
      if (ctx.guest.readOnly) throw new CliError('refused', "the guest has no package lists, and this session is read-only: open it writable (or run 'update') to fetch them");
      ctx.out.note('the guest has no package lists: fetching them with apt-get update');
      await refreshLists(ctx, m, timeout);
    }
    const r = await runManagerStep(ctx, searchStep(m, term), { timeoutMs: timeout, detail: term });
    return parseSearch(m, r.stdout);
  },
  render(rows: SearchRow[], out: Output) {
    out.table(['NAME', 'SUMMARY'], rows.map((r) => [r.name, r.summary]));
  },
});

async function hasAptLists(fs: { exists(p: string): Promise<boolean>; list(p: string): Promise<{ name: string }[]> }): Promise<boolean> {
  if (!(await fs.exists(APT_LISTS))) return false;
  return (await fs.list(APT_LISTS)).some((e) => /_Packages(\.(lz4|gz|xz|zst))?$/.test(e.name));
}
