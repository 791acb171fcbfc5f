// Where a changed package file matters most: programs and the libraries they load.

const BINARY_DIRS = /^\/(usr\/(local\/)?)?(s?bin|lib|lib32|lib64|libx32|libexec)\//;

export function isBinaryPath(path: string): boolean {
  return BINARY_DIRS.test(path);
}
