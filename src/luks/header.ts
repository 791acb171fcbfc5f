// The LUKS header, read in userspace: which version, the UUID (it names the opened volume, so
// it must be a plain UUID), the cipher and where the encrypted data starts. Headers come from
// the guest image: every field is checked, and anything malformed is an error naming the field.

export interface LuksHeader {
  version: 1 | 2;
  uuid: string;
  cipher: string;
  /** Bytes from the start of the container to the encrypted payload. */
  payloadOffset: number;
  /** LUKS2: the whole header (binary + JSON area) size, in bytes. */
  headerSize: number;
}

export const LUKS_MAGIC = Buffer.from('LUKS\xba\xbe', 'latin1');
/** The binary header both versions start with, and the most a LUKS2 header may be (spec: 4 MiB). */
export const LUKS_BINARY_HEADER = 4096;
export const LUKS2_MAX_HEADER = 4 * 1024 * 1024;
const LUKS2_HEADER_SIZES = new Set([16, 32, 64, 128, 256, 512, 1024, 2048, 4096].map((k) => k * 1024));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function hasLuksMagic(buf: Buffer): boolean {
  return buf.length >= LUKS_MAGIC.length && buf.subarray(0, LUKS_MAGIC.length).equals(LUKS_MAGIC);
}

/** How many bytes parseLuksHeader needs, from the first 4096. */
export function luksHeaderLength(first: Buffer): number {
  const h = binaryHeader(first);
  return h.version === 1 ? LUKS_BINARY_HEADER : luks2HeaderSize(first);
}

/** Parse a LUKS header (`buf` from the container's first byte, luksHeaderLength bytes long). */
export function parseLuksHeader(buf: Buffer): LuksHeader {
  const { version } = binaryHeader(buf);
  const uuid = cString(buf, 168, 40, 'UUID');
  if (!UUID.test(uuid)) throw new Error(`LUKS header: the UUID is not a UUID (${JSON.stringify(uuid.slice(0, 40))})`);
  if (version === 1) {
    const cipher = `${cString(buf, 8, 32, 'cipher name')}-${cString(buf, 40, 32, 'cipher mode')}`;
    const payloadOffset = buf.readUInt32BE(104) * 512;
    if (payloadOffset < 592) throw new Error(`LUKS header: payload offset ${payloadOffset} lies inside the header`);
    return { version, uuid: uuid.toLowerCase(), cipher, payloadOffset, headerSize: LUKS_BINARY_HEADER };
  }
  const headerSize = luks2HeaderSize(buf);
  if (buf.length < headerSize) throw new Error(`LUKS2 header: ${headerSize} bytes needed, ${buf.length} read`);
  const { cipher, offset } = firstSegment(buf.subarray(LUKS_BINARY_HEADER, headerSize));
  return { version, uuid: uuid.toLowerCase(), cipher, payloadOffset: offset, headerSize };
}

function binaryHeader(buf: Buffer): { version: 1 | 2 } {
  if (buf.length < LUKS_BINARY_HEADER) throw new Error(`LUKS header: ${LUKS_BINARY_HEADER} bytes needed, ${buf.length} read`);
  if (!hasLuksMagic(buf)) throw new Error('LUKS header: no LUKS magic');
  const version = buf.readUInt16BE(6);
  if (version !== 1 && version !== 2) throw new Error(`LUKS header: unknown version ${version}`);
  return { version };
}

function luks2HeaderSize(buf: Buffer): number {
  const size = buf.readBigUInt64BE(8);
  if (size > BigInt(LUKS2_MAX_HEADER) || !LUKS2_HEADER_SIZES.has(Number(size))) throw new Error(`LUKS2 header: invalid header size ${size}`);
  return Number(size);
}

/** A NUL-terminated printable ASCII field. */
function cString(buf: Buffer, offset: number, length: number, what: string): string {
  const field = buf.subarray(offset, offset + length);
  const end = field.indexOf(0);
  if (end < 0) throw new Error(`LUKS header: the ${what} is not NUL-terminated`);
  const text = field.subarray(0, end).toString('latin1');
  if (!/^[\x21-\x7e]*$/.test(text)) throw new Error(`LUKS header: the ${what} has unprintable characters`);
  return text;
}

/** The lowest-numbered crypt segment of the LUKS2 JSON area: its cipher and data offset. */
function firstSegment(area: Buffer): { cipher: string; offset: number } {
  const end = area.indexOf(0);
  const text = area.subarray(0, end < 0 ? area.length : end).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('LUKS2 header: the JSON area is not JSON');
  }
  const segments = (json as { segments?: unknown } | null)?.segments;
  if (!segments || typeof segments !== 'object' || Array.isArray(segments)) throw new Error('LUKS2 header: no segments');
  const keys = Object.keys(segments).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  const seg = keys.length > 0 ? (segments as Record<string, unknown>)[keys[0]!] : undefined;
  if (!seg || typeof seg !== 'object') throw new Error('LUKS2 header: no segments');
  const { type, offset, encryption } = seg as { type?: unknown; offset?: unknown; encryption?: unknown };
  if (type !== 'crypt') throw new Error(`LUKS2 header: segment ${keys[0]} is not a crypt segment`);
  if (typeof offset !== 'string' || !/^\d{1,15}$/.test(offset)) throw new Error('LUKS2 header: the segment offset is not a number');
  if (typeof encryption !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(encryption)) throw new Error('LUKS2 header: the segment encryption is not a cipher name');
  return { cipher: encryption, offset: Number(offset) };
}
