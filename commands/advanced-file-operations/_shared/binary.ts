/** Binary as GNU grep and diff judge it: a NUL byte in the first 8 KiB. */
export function looksBinary(data: Buffer): boolean {
  return data.subarray(0, 8192).includes(0);
}
