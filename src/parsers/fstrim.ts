// fstrim -v / -av output (util-linux): "MOUNTPOINT: 1.2 GiB (1288490188 bytes) trimmed[ on DEVICE]",
// and with --dry-run "MOUNTPOINT: 0 B (dry run) trimmed[ on DEVICE]".

export interface FstrimLine {
  mountpoint: string;
  /** null on a dry run. */
  bytes: number | null;
  device: string | null;
}

const LINE = /^(.*): .*? \((?:(\d+) bytes|dry run)\) trimmed(?: on (.+))?$/;

export function parseFstrim(text: string): FstrimLine[] {
  const out: FstrimLine[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m) out.push({ mountpoint: m[1]!, bytes: m[2] === undefined ? null : Number(m[2]), device: m[3] ?? null });
  }
  return out;
}
