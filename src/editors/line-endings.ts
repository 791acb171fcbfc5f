// Pure: new text for a file keeps the file's line endings. A file whose every line ends in CRLF
// (Windows text files: hosts, .ini, .bat) gets its new lines as CRLF too; any other file is left
// as the text was typed.

/** Whether every line break of `data` is CRLF (and there is at least one). */
export function usesCrlf(data: Buffer): boolean {
  let crlf = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) {
    if (i === 0 || data[i - 1] !== 0x0d) return false;
    crlf++;
  }
  return crlf > 0;
}

/** `text` with its bare LF line breaks made CRLF when `existing` uses CRLF; else unchanged. */
export function matchLineEndings(existing: Buffer, text: Buffer): Buffer {
  if (!usesCrlf(existing)) return text;
  return Buffer.from(text.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
