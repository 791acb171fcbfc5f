/** Byte order of names (tree and diff in the C locale), independent of the host's locale. */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
