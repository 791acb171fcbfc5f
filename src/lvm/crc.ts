// The checksum LVM2 puts in its label and metadata-area headers: the reflected CRC-32
// polynomial, seeded with lvm's own initial value and without the final inversion.

export const LVM_INITIAL_CRC = 0xf597a6cf;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function lvmCrc(bytes: Uint8Array, initial = LVM_INITIAL_CRC): number {
  let crc = initial >>> 0;
  for (const b of bytes) crc = (TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return crc;
}
