// Version order as the package managers define it, for choosing the newest of several
// installed versions. Pure. Debian: dpkg's epoch:upstream-revision order, where `~` sorts
// before everything (even the end of the string) and letters before other characters
// (deb-version(7)). RPM: rpmvercmp's segment order (digits beat letters, `~` sorts before the
// end, `^` after it), compared on version and then release.

/** dpkg --compare-versions: negative, 0 or positive. */
export function compareDebianVersions(a: string, b: string): number {
  const pa = splitDebian(a);
  const pb = splitDebian(b);
  return pa.epoch - pb.epoch || compareDebianPart(pa.upstream, pb.upstream) || compareDebianPart(pa.revision, pb.revision);
}

function splitDebian(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(':');
  const epoch = colon > 0 ? Number.parseInt(v.slice(0, colon), 10) || 0 : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) } : { epoch, upstream: rest, revision: '' };
}

/** The weight of one non-digit character (undefined: the end of the string). */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function compareDebianPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i]!)) || (j < b.length && !isDigit(b[j]!))) {
      const ca = i < a.length && !isDigit(a[i]!) ? a[i] : undefined;
      const cb = j < b.length && !isDigit(b[j]!) ? b[j] : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d;
      i++;
      j++;
    }
    const na = /^\d*/.exec(a.slice(i))![0];
    const nb = /^\d*/.exec(b.slice(j))![0];
    i += na.length;
    j += nb.length;
    const d = compareDigits(na, nb);
    if (d !== 0) return d;
  }
  return 0;
}

const isDigit = (c: string) => c >= '0' && c <= '9';

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}

/** rpmvercmp on version, then on release: negative, 0 or positive. */
export function compareRpmVersions(a: { version: string; release: string }, b: { version: string; release: string }): number {
  return rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !/[A-Za-z0-9~^]/.test(a[i]!)) i++;
    while (j < b.length && !/[A-Za-z0-9~^]/.test(b[j]!)) j++;
    for (const mark of ['~', '^']) {
      const ma = a[i] === mark;
      const mb = b[j] === mark;
      if (ma || mb) {
        if (!(ma && mb)) {
          if (mark === '~') return ma ? -1 : 1;
          // `^` sorts after the end of the string but before anything else.
          if (i >= a.length) return -1;
          if (j >= b.length) return 1;
          return ma ? -1 : 1;
        }
        i++;
        j++;
      }
    }
    if (i >= a.length || j >= b.length) break;
    const digits = isDigit(a[i]!);
    const re = digits ? /^\d+/ : /^[A-Za-z]+/;
    const sa = re.exec(a.slice(i))?.[0] ?? '';
    const sb = re.exec(b.slice(j))?.[0] ?? '';
    if (sb === '') return digits ? 1 : -1; // a numeric segment is newer than an alphabetic one
    i += sa.length;
    j += sb.length;
    const d = digits ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (d !== 0) return d;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
