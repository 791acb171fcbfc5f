import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { missingToolError } from '../util/run-tool.js';
import { CliError } from '../util/errors.js';

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

/** The archive expands beyond the limit it was decompressed with. */
export class TooLargeError extends CliError {
  constructor(what: string, limit: number) {
    super('failed', `${what} expands to more than ${limit} bytes (the --max-size limit): refused as a possible decompression bomb, nothing extracted`);
  }
}

/**
 * The plain tar inside an archive, recognised by its magic bytes (not its name). With `maxBytes`,
 * decompression stops as soon as the output would exceed it (TooLargeError), so a bomb never
 * fills the host's memory.
 */
export async function decompress(data: Buffer, what: string, maxBytes?: number): Promise<Buffer> {
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      return gunzipSync(data, maxBytes === undefined ? {} : { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLargeError(what, maxBytes!);
      throw new CliError('failed', `decompressing ${what}: ${(err as Error).message}`);
    }
  }
  if (data.length >= 4 && data.readUInt32LE(0) === 0xfd2fb528) {
    const r = await execa('zstd', ['-dc'], { input: data, encoding: 'buffer', reject: false, maxBuffer: maxBytes ?? 1 << 40 });
    if ((r as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') throw missingToolError('zstd');
    if ((r as { isMaxBuffer?: boolean }).isMaxBuffer) throw new TooLargeError(what, maxBytes!);
    if (r.exitCode !== 0) throw new CliError('failed', `decompressing ${what} with zstd: ${Buffer.from(r.stderr).toString().trim().split('\n').pop()}`);
    return Buffer.from(r.stdout);
  }
  return data;
}
