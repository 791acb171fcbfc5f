import { isUtf8 } from 'node:buffer';

/** JSON shape of file content: text when it is valid UTF-8, base64 otherwise. */
export function contentJson(path: string, data: Buffer): { path: string; content: string } | { path: string; base64: string } {
  return isUtf8(data) ? { path, content: data.toString('utf8') } : { path, base64: data.toString('base64') };
}
