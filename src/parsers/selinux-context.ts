// SELinux security contexts as text: user:role:type[:level], the level being a sensitivity
// range with optional categories (s0, s0-s15:c0.c1023, s0:c1,c5.c9). Pure functions.

export interface SelinuxContext {
  user: string;
  role: string;
  type: string;
  /** MLS/MCS level or range; null on a policy without MLS. */
  level: string | null;
}

const IDENT = '[A-Za-z0-9_.]+';
const SENS = 's[0-9]+';
const CATS = 'c[0-9]+(?:\\.c[0-9]+)?(?:,c[0-9]+(?:\\.c[0-9]+)?)*';
const LEVEL = `${SENS}(?::${CATS})?`;
const CONTEXT = new RegExp(`^(${IDENT}):(${IDENT}):(${IDENT})(?::(${LEVEL}(?:-${LEVEL})?))?$`);

/** The context, or null when the text is not one. */
export function parseSelinuxContext(text: string): SelinuxContext | null {
  const m = CONTEXT.exec(text);
  if (!m) return null;
  return { user: m[1]!, role: m[2]!, type: m[3]!, level: m[4] ?? null };
}

export function formatSelinuxContext(c: SelinuxContext): string {
  return [c.user, c.role, c.type, ...(c.level === null ? [] : [c.level])].join(':');
}

/** The label as stored in security.selinux: libselinux writes it with a trailing NUL. */
export function decodeSelinuxXattr(value: Buffer): string {
  const text = value.toString('utf8');
  return text.endsWith('\0') ? text.slice(0, -1) : text;
}

export function encodeSelinuxXattr(context: string): Buffer {
  return Buffer.from(`${context}\0`, 'utf8');
}
