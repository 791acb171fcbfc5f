import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasLuksMagic, luksHeaderLength, parseLuksHeader } from '../../src/luks/header.js';

// Real headers: LUKS1 from qemu-img and from cryptsetup, LUKS2 from cryptsetup (its first 16 KiB).
const sample = (name: string) => readFileSync(new URL(`./samples/luks/${name}`, import.meta.url));

describe('parseLuksHeader on real headers', () => {
  it.each([
    ['luks1-qemu.hdr', 1, 'e8a9260c-4c09-48af-85ba-f798d4be358c', 'aes-xts-plain64', 4040 * 512, 4096],
    ['luks1-cryptsetup.hdr', 1, '5e79e0b9-655c-41dc-90f4-ae9845dfc794', 'aes-xts-plain64', 4096 * 512, 4096],
    ['luks2-cryptsetup.hdr', 2, '743f7962-90f7-4efd-92dd-74cc3c30148e', 'aes-xts-plain64', 16777216, 16384],
  ])('%s', (name, version, uuid, cipher, payloadOffset, length) => {
    const buf = sample(name);
    expect(hasLuksMagic(buf)).toBe(true);
    expect(luksHeaderLength(buf.subarray(0, 4096))).toBe(length);
    expect(parseLuksHeader(buf)).toEqual({ version, uuid, cipher, payloadOffset, headerSize: length });
  });
});

describe('parseLuksHeader on hostile headers', () => {
  const luks1 = () => Buffer.from(sample('luks1-qemu.hdr'));
  const luks2 = () => Buffer.from(sample('luks2-cryptsetup.hdr'));
  const withJson = (json: string) => {
    const b = luks2();
    b.fill(0, 4096);
    b.write(json, 4096, 'utf8');
    return b;
  };

  it.each<[string, () => Buffer, RegExp]>([
    ['no magic', () => Buffer.alloc(4096), /no LUKS magic/],
    ['short read', () => luks1().subarray(0, 100), /4096 bytes needed/],
    ['version 3', () => { const b = luks1(); b.writeUInt16BE(3, 6); return b; }, /unknown version 3/],
    ['UUID without NUL', () => { const b = luks1(); b.fill(0x41, 168, 208); return b; }, /not NUL-terminated/],
    ['UUID with a path in it', () => { const b = luks1(); b.fill(0, 168, 208); b.write('../../etc/passwd', 168); return b; }, /not a UUID/],
    ['UUID with control bytes', () => { const b = luks1(); b.write('\x1b[2J', 168, 'latin1'); return b; }, /unprintable/],
    ['payload inside the header', () => { const b = luks1(); b.writeUInt32BE(0, 104); return b; }, /inside the header/],
    ['LUKS2 header size 2^63', () => { const b = luks2(); b.writeBigUInt64BE(1n << 63n, 8); return b; }, /invalid header size/],
    ['LUKS2 header size odd', () => { const b = luks2(); b.writeBigUInt64BE(5000n, 8); return b; }, /invalid header size/],
    ['LUKS2 truncated JSON area', () => luks2().subarray(0, 8192), /16384 bytes needed/],
    ['LUKS2 JSON garbage', () => withJson('{"segments":'), /not JSON/],
    ['LUKS2 JSON null', () => withJson('null'), /no segments/],
    ['LUKS2 segments array', () => withJson('{"segments":[]}'), /no segments/],
    ['LUKS2 segment not crypt', () => withJson('{"segments":{"0":{"type":"linear","offset":"0"}}}'), /not a crypt segment/],
    ['LUKS2 offset huge', () => withJson('{"segments":{"0":{"type":"crypt","offset":"99999999999999999999","encryption":"aes"}}}'), /not a number/],
    ['LUKS2 offset number', () => withJson('{"segments":{"0":{"type":"crypt","offset":4096,"encryption":"aes"}}}'), /not a number/],
    ['LUKS2 cipher escape', () => withJson('{"segments":{"0":{"type":"crypt","offset":"4096","encryption":"\\u001b[31m"}}}'), /not a cipher name/],
  ])('%s', (_name, make, error) => {
    expect(() => parseLuksHeader(make())).toThrow(error);
  });

  it('takes the lowest-numbered segment, numerically', () => {
    const h = parseLuksHeader(
      withJson('{"segments":{"10":{"type":"crypt","offset":"1","encryption":"x"},"2":{"type":"crypt","offset":"2097152","encryption":"serpent-xts-plain64"}}}'),
    );
    expect(h).toMatchObject({ version: 2, cipher: 'serpent-xts-plain64', payloadOffset: 2097152 });
  });
});
