import { isUtf8 } from 'node:buffer';

/** JSON shape of file content: text when it is valid UTF-8, base64 otherwise. */
export type FileContent = { content: string } | { base64: string };

export function contentJson(path: string, data: Buffer): { path: string } & FileContent {
  return isUtf8(data) ? { path, content: data.toString('utf8') } : { path, base64: data.toString('base64') };
}

/** The bytes contentJson() encoded, exactly (valid UTF-8 round-trips through a string). */
export function contentBytes(c: FileContent): Buffer {
  return 'content' in c ? Buffer.from(c.content, 'utf8') : Buffer.from(c.base64, 'base64');
}
