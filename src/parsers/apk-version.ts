// `apk version -l '<'`: a header "Installed: Available:", then "NAME-VERSION-rREL < NEWVERSION"
// for each installed package the guest's indexes have a newer version of.

export interface ApkUpdate {
  name: string;
  current: string;
  candidate: string;
}

export function parseApkVersion(text: string): ApkUpdate[] {
  const out: ApkUpdate[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)-(\d[^-\s]*-r\d+)\s+<\s+(\S+)/.exec(line.trim());
    if (m) out.push({ name: m[1]!, current: m[2]!, candidate: m[3]! });
  }
  return out;
}
