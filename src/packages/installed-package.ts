// One installed package as `packages` reports it, whatever database it came from.
export interface InstalledPackage {
  name: string;
  /** As the package manager prints it (epoch:version-release where there is an epoch). */
  version: string;
  arch: string;
  /** Installed size in bytes (dpkg records KiB, so its sizes are multiples of 1024); null when unrecorded. */
  installedSize: number | null;
  /** The first line of the description. */
  summary: string;
}
