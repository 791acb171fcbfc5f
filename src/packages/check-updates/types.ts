// One pending update as check-updates and `packages --upgradable` report it, whatever the manager.
export interface PendingUpdate {
  name: string;
  arch: string;
  /** The installed version; null for a package the upgrade would newly install. */
  current: string | null;
  candidate: string;
  /** Where the candidate comes from (apt's origin/archive, the dnf repository...); '' when unknown. */
  repository: string;
  /** True when the manager says it is a security update; null when it cannot tell. */
  security: boolean | null;
}

export interface UpdateCheck {
  manager: 'apt' | 'dnf' | 'yum' | 'zypper' | 'apk' | 'pacman';
  /** Upgrades of installed packages. */
  updates: PendingUpdate[];
  /** Packages the upgrade would newly install (apt dist-upgrade's new dependencies). */
  newPackages: PendingUpdate[];
  /** Packages the upgrade would remove. */
  removals: string[];
  /** zypper: the needed security patches (zypper tells security per patch, not per package). */
  securityPatches?: string[];
}
