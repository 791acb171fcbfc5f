// /etc/default/useradd, read as useradd's get_defaults() does: `KEY=value` lines, the value
// taken verbatim up to the end of the line (no quoting), other lines ignored.

export interface UseraddDefaults {
  /** GROUP: primary group (name or gid) when no user private group is made. */
  group: string;
  /** HOME: base directory of new homes. */
  home: string;
  shell: string;
  skel: string;
  /** INACTIVE: days after password expiry until the account is disabled; null: never. */
  inactive: number | null;
  /** EXPIRE: account expiry date (YYYY-MM-DD) or ''. */
  expire: string;
  createMailSpool: boolean;
}

/**
 * Used when the guest has no /etc/default/useradd (or leaves a key out): the values Debian
 * and RHEL ship, with /bin/sh as the shell because every guest has one.
 */
export const USERADD_FALLBACK: UseraddDefaults = {
  group: '100',
  home: '/home',
  shell: '/bin/sh',
  skel: '/etc/skel',
  inactive: null,
  expire: '',
  createMailSpool: false,
};

export function parseUseraddDefaults(text: string | null): UseraddDefaults {
  const d: UseraddDefaults = { ...USERADD_FALLBACK };
  for (const line of (text ?? '').split('\n')) {
    const body = line.replace(/\r$/, '');
    if (body.startsWith('#')) continue;
    const eq = body.indexOf('=');
    if (eq < 0) continue;
    const key = body.slice(0, eq).trim();
    const value = body.slice(eq + 1);
    switch (key) {
      case 'GROUP':
        if (value !== '') d.group = value;
        break;
      case 'HOME':
        if (value !== '') d.home = value;
        break;
      case 'SHELL':
        d.shell = value;
        break;
      case 'SKEL':
        if (value !== '') d.skel = value;
        break;
      case 'INACTIVE': {
        const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
        if (!Number.isNaN(n)) d.inactive = n < 0 ? null : n;
        break;
      }
      case 'EXPIRE':
        d.expire = value.trim();
        break;
      case 'CREATE_MAIL_SPOOL':
        d.createMailSpool = value.trim().toLowerCase() === 'yes';
        break;
    }
  }
  return d;
}
