// --dry-run: one name for the option every changing command takes, and for the executor,
// which lets a dry run through on a read-only session.

export const DRY_RUN = 'dry-run';

/** The --dry-run option spec, with what a dry run of this command shows. */
export function dryRunOption(description = 'show the changes as a unified diff and write nothing'): { [DRY_RUN]: { type: 'boolean'; description: string } } {
  return { [DRY_RUN]: { type: 'boolean', description } };
}
