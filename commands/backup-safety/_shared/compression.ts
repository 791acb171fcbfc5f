import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { missingToolError } from '../../../src/util/run-tool.js';
import { CliError } from '../../../src/util/errors.js';

// The archive's compression, chosen by the file name as GNU tar's -a does, and undone on the
// host before the headers are checked (node 20's zlib has no zstd: the host's zstd does it).

export type Compression = 'none' | 'gzip' | 'zstd';

export function compressionOf(name: string): Compression {
  if (/\.(tar\.gz|tgz)$/.test(name)) return 'gzip';
  if (/\.(tar\.zst|tzst)$/.test(name)) return 'zstd';
  if (name.endsWith('.tar')) return 'none';
  throw new CliError('usage', `cannot tell the archive format of ${name}: name it .tar, .tar.gz, .tgz or .tar.zst`);
}

/** GNU tar's flag for it. */
export function tarFlag(c: Compression): string[] {
  return c === 'gzip' ? ['--gzip'] : c === 'zstd' ? ['--zstd'] : [];
}

/** The plain tar inside an archive, recognised by its magic bytes (not its name). */
export async function decompress(data: Buffer, what: string): Promise<Buffer> {
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      return gunzipSync(data);
    } catch (err) {
      throw new CliError('failed', `decompressing ${what}: ${(err as Error).message}`);
    }
  }
  if (data.readUInt32LE(0) === 0xfd2fb528) {
    const r = await execa('zstd', ['-dc'], { input: data, encoding: 'buffer', reject: false, maxBuffer: 1 << 40 });
    if ((r as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') throw missingToolError('zstd');
    if (r.exitCode !== 0) throw new CliError('failed', `decompressing ${what} with zstd: ${Buffer.from(r.stderr).toString().trim().split('\n').pop()}`);
    return Buffer.from(r.stdout);
  }
  return data;
}
