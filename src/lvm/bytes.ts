// Bounds-checked little-endian reads for the LVM2 on-disk structures: every read names the
// structure it belongs to, so hostile input fails with a message instead of reading past the end.

export function u32(buf: Buffer, offset: number, what: string): number {
  if (offset < 0 || offset + 4 > buf.length) throw new Error(`${what}: offset ${offset} is past the end of the ${buf.length}-byte buffer`);
  return buf.readUInt32LE(offset);
}

/** A u64 as a number; values beyond 2^53 cannot be real offsets or sizes and are refused. */
export function u64(buf: Buffer, offset: number, what: string): number {
  if (offset < 0 || offset + 8 > buf.length) throw new Error(`${what}: offset ${offset} is past the end of the ${buf.length}-byte buffer`);
  const v = buf.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what}: value ${v} is too large to be an offset or size`);
  return Number(v);
}

export function ascii(buf: Buffer, offset: number, length: number, what: string): string {
  if (offset < 0 || offset + length > buf.length) throw new Error(`${what}: offset ${offset} is past the end of the ${buf.length}-byte buffer`);
  return buf.toString('latin1', offset, offset + length);
}
