// The pure editors of /etc/passwd, shadow, group and gshadow on real files (Debian 12 and
// RHEL 9) and on hostile-to-parsers variants: comments, NIS lines, CRLF, no final newline.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendEntry, GROUP_FILE, hasEntry, mapEntries, PASSWD_FILE, updateEntry } from '../../src/parsers/colon-file.js';
import { addGroupEntry, addGroupMember, parseGroup, removeGroupEntry, removeGroupMember, removeMemberEverywhere } from '../../src/parsers/group.js';
import { addGshadowEntry, addGshadowMember, findGshadow, parseGshadow, removeFromAllGshadow, removeGshadowEntry, removeGshadowMember } from '../../src/parsers/gshadow.js';
import { addPasswdUser, findUser, parsePasswd, removePasswdUser, updatePasswdUser } from '../../src/parsers/passwd.js';
import {
  addShadowEntry,
  dayToIso,
  editShadowPassword,
  findShadow,
  hashesIn,
  isoToDay,
  lockPassword,
  parseShadow,
  passwordState,
  redactPasswords,
  removeShadowEntry,
  unlockPassword,
  updateShadowEntry,
} from '../../src/parsers/shadow.js';

const sample = (name: string) => readFileSync(new URL(`./samples/${name}`, import.meta.url), 'utf8');
const DEB = { passwd: sample('debian12-passwd'), shadow: sample('debian12-shadow'), group: sample('debian12-group'), gshadow: sample('debian12-gshadow') };
const RHEL = { passwd: sample('rhel9-passwd'), shadow: sample('rhel9-shadow'), group: sample('rhel9-group'), gshadow: sample('rhel9-gshadow') };

/** Lines of `after` that are not in `before` and vice versa (multiset difference). */
function lineDiff(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const removed = a.filter((l) => !b.includes(l));
  const added = b.filter((l) => !a.includes(l));
  return { removed, added };
}

const ALICE = { name: 'alice', password: 'x', uid: 1000, gid: 1000, gecos: 'Alice Example,,,', home: '/home/alice', shell: '/bin/bash' };

describe('passwd editors', () => {
  it('appends a user to a Debian passwd, every other byte kept', () => {
    const out = addPasswdUser(DEB.passwd, ALICE);
    expect(out).toBe(`${DEB.passwd}alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n`);
    expect(findUser(parsePasswd(out), 'alice')).toMatchObject({ uid: 1000, shell: '/bin/bash' });
  });

  it('adds a final newline only where one was missing', () => {
    const noNl = DEB.passwd.slice(0, -1);
    expect(addPasswdUser(noNl, ALICE)).toBe(`${DEB.passwd}alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n`);
    expect(addPasswdUser('', ALICE)).toBe('alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n');
  });

  it('inserts before NIS compat lines, as useradd does', () => {
    const text = '# local accounts\nroot:x:0:0:root:/root:/bin/bash\n+@admins::::::\n-baduser\n+\n';
    expect(addPasswdUser(text, ALICE)).toBe('# local accounts\nroot:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n+@admins::::::\n-baduser\n+\n');
  });

  it('refuses duplicates, malformed values and names that would read as NIS lines', () => {
    expect(() => addPasswdUser(DEB.passwd, { ...ALICE, name: 'root' })).toThrow(/already has an entry 'root'/);
    expect(() => addPasswdUser(DEB.passwd, { ...ALICE, gecos: 'evil:0:0' })).toThrow(/cannot contain ':'/);
    expect(() => addPasswdUser(DEB.passwd, { ...ALICE, home: '/home/a\nroot2::0:0::/:/bin/sh' })).toThrow(/line break/);
    expect(() => addPasswdUser(DEB.passwd, { ...ALICE, name: '+alice' })).toThrow(/not a valid entry name/);
  });

  it('changes single fields of one line and nothing else (CRLF line kept CRLF)', () => {
    const text = 'root:x:0:0:root:/root:/bin/bash\r\n# comment : with : colons\nalice:x:1000:1000::/home/alice:/bin/sh\r\nbob:x:1001:1001::/home/bob:/bin/sh';
    const out = updatePasswdUser(text, 'alice', { shell: '/bin/bash', gecos: 'Alice' });
    expect(out).toBe('root:x:0:0:root:/root:/bin/bash\r\n# comment : with : colons\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\r\nbob:x:1001:1001::/home/bob:/bin/sh');
    expect(updatePasswdUser(text, 'alice', { shell: '/bin/sh' })).toBe(text); // unchanged: same string
  });

  it('removes exactly one line', () => {
    const out = removePasswdUser(DEB.passwd, 'sshd');
    expect(lineDiff(DEB.passwd, out)).toEqual({ removed: ['sshd:x:101:65534::/run/sshd:/usr/sbin/nologin'], added: [] });
    expect(() => removePasswdUser(DEB.passwd, 'nosuch')).toThrow(/no entry 'nosuch' in \/etc\/passwd/);
  });

  it('refuses to edit an ambiguous (duplicated) or malformed entry', () => {
    const dup = 'a:x:1:1::/:/bin/sh\na:x:2:2::/:/bin/sh\n';
    expect(() => updatePasswdUser(dup, 'a', { shell: '/bin/bash' })).toThrow(/2 entries named 'a'.*pwck/);
    expect(() => removePasswdUser(dup, 'a')).toThrow(/2 entries/);
    expect(() => updatePasswdUser('a:x:1:1::/\n', 'a', { shell: '/bin/bash' })).toThrow(/line 1 is malformed/);
  });

  it('never mistakes comments or NIS lines for entries', () => {
    const text = '#alice:x:1:1::/:/bin/sh\n+alice::::::\n';
    expect(hasEntry(text, 'alice')).toBe(false);
    expect(() => updateEntry(text, PASSWD_FILE, 'alice', (f) => f)).toThrow(/no entry/);
    expect(appendEntry(text, PASSWD_FILE, ['alice', 'x', '1', '1', '', '/', '/bin/sh'])).toBe('#alice:x:1:1::/:/bin/sh\nalice:x:1:1::/:/bin/sh\n+alice::::::\n');
  });
});

describe('group editors', () => {
  it('adds a group and members on Debian 12', () => {
    let g = addGroupEntry(DEB.group, { name: 'alice', password: 'x', gid: 1000, members: [] });
    g = addGroupMember(g, 'sudo', 'alice');
    g = addGroupMember(g, 'users', 'alice');
    g = addGroupMember(g, 'users', 'alice'); // no duplicate
    expect(lineDiff(DEB.group, g)).toEqual({ removed: ['sudo:x:27:', 'users:x:100:'], added: ['sudo:x:27:alice', 'users:x:100:alice', 'alice:x:1000:'] });
    expect(g.startsWith(DEB.group.split('sudo:')[0]!)).toBe(true);
  });

  it('appends to an existing member list and removes from the middle of one', () => {
    expect(addGroupMember(RHEL.group, 'wheel', 'alice')).toContain('\nwheel:x:10:cloud-user,alice\n');
    const three = 'wheel:x:10:a,b,c\n';
    expect(removeGroupMember(three, 'wheel', 'b')).toBe('wheel:x:10:a,c\n');
    expect(removeGroupMember(three, 'wheel', 'zz')).toBe(three);
    expect(removeGroupMember('g:x:5:a\n', 'g', 'a')).toBe('g:x:5:\n');
  });

  it('takes a user out of every member list (spaces around names tolerated, like glibc)', () => {
    const text = '# groups\nadm:x:4:syslog,alice\nsudo:x:27: alice \nusers:x:100:bob\nbroken:line\n+:::\n';
    expect(removeMemberEverywhere(text, 'alice')).toBe('# groups\nadm:x:4:syslog\nsudo:x:27:\nusers:x:100:bob\nbroken:line\n+:::\n');
    expect(removeMemberEverywhere(text, 'nobody-here')).toBe(text);
  });

  it('removes a group line', () => {
    const out = removeGroupEntry(RHEL.group, 'tss');
    expect(lineDiff(RHEL.group, out)).toEqual({ removed: ['tss:x:59:'], added: [] });
    expect(parseGroup(out).filter((e) => e.kind === 'group')).toHaveLength(38);
  });

  it('mapEntries leaves malformed lines alone', () => {
    const text = 'ok:x:1:a\nbad:x:1\n';
    expect(mapEntries(text, GROUP_FILE, (f) => [f[0]!, f[1]!, f[2]!, ''])).toBe('ok:x:1:\nbad:x:1\n');
  });
});

describe('gshadow editors', () => {
  it('parses both distributions', () => {
    expect(findGshadow(parseGshadow(DEB.gshadow), 'shadow')).toMatchObject({ password: '*', admins: [], members: [] });
    expect(findGshadow(parseGshadow(RHEL.gshadow), 'wheel')).toMatchObject({ password: '', members: ['cloud-user'] });
  });

  it('adds an entry and members; removes a user from members and admins', () => {
    let g = addGshadowEntry(DEB.gshadow, { name: 'alice', password: '!', admins: [], members: [] });
    g = addGshadowMember(g, 'sudo', 'alice');
    expect(lineDiff(DEB.gshadow, g)).toEqual({ removed: ['sudo:*::'], added: ['sudo:*::alice', 'alice:!::'] });
    const withAdmin = 'proj:!:alice,bob:alice,carol\nother:!::alice\n';
    expect(removeFromAllGshadow(withAdmin, 'alice')).toBe('proj:!:bob:carol\nother:!::\n');
    expect(removeGshadowMember(g, 'sudo', 'alice')).toBe(g.replace('sudo:*::alice', 'sudo:*::'));
    expect(removeGshadowEntry(g, 'alice')).toBe(g.replace('alice:!::\n', ''));
  });
});

describe('shadow', () => {
  it('parses Debian 12 and RHEL 9 shadow', () => {
    const deb = parseShadow(DEB.shadow);
    expect(deb.every((e) => e.kind === 'shadow')).toBe(true);
    expect(findShadow(deb, 'root')).toMatchObject({ password: '*', lastChange: 20778, min: 0, max: 99999, warn: 7, inactive: null, expire: null });
    expect(findShadow(deb, 'messagebus')).toMatchObject({ password: '!', min: null, max: null });
    const rhel = parseShadow(RHEL.shadow);
    expect(findShadow(rhel, 'cloud-user')!.password.startsWith('$6$')).toBe(true);
  });

  it('marks lines glibc would not read as invalid', () => {
    const lines = parseShadow('a:x:notanumber:0:99999:7:::\nb:x:1:2\n# c\n+nis\n');
    expect(lines.map((l) => l.kind)).toEqual(['invalid', 'invalid', 'comment', 'nis']);
  });

  it('adds entries as useradd writes them (regular and system accounts)', () => {
    const regular = addShadowEntry(DEB.shadow, { name: 'alice', password: '!', lastChange: 20000, min: 0, max: 99999, warn: 7, inactive: null, expire: null });
    expect(regular).toBe(`${DEB.shadow}alice:!:20000:0:99999:7:::\n`);
    const system = addShadowEntry(DEB.shadow, { name: 'svc', password: '!', lastChange: 20000, min: null, max: null, warn: null, inactive: null, expire: null });
    expect(system).toBe(`${DEB.shadow}svc:!:20000::::::\n`);
  });

  it('updates the password and dates of one line only', () => {
    const out = updateShadowEntry(RHEL.shadow, 'root', { password: '$6$abc$def', lastChange: 20001 });
    expect(lineDiff(RHEL.shadow, out)).toEqual({ removed: ['root:!!:19500:0:99999:7:::'], added: ['root:$6$abc$def:20001:0:99999:7:::'] });
    expect(updateShadowEntry(RHEL.shadow, 'root', { lastChange: 0 })).toContain('\nroot:!!:0:0:99999:7:::'.slice(1));
    expect(removeShadowEntry(RHEL.shadow, 'tss')).not.toContain('tss:');
  });

  it('locks and unlocks like passwd -l/-u', () => {
    expect(lockPassword('$y$j9T$s$h')).toBe('!$y$j9T$s$h');
    expect(lockPassword('!$y$j9T$s$h')).toBe('!$y$j9T$s$h');
    expect(lockPassword('')).toBe('!');
    expect(unlockPassword('!$6$s$h', 'a')).toBe('$6$s$h');
    expect(unlockPassword('$6$s$h', 'a')).toBe('$6$s$h');
    expect(() => unlockPassword('!', 'a')).toThrow(/without a password/);
    expect(() => unlockPassword('!!', 'a')).toThrow(/without a password/);
    expect(editShadowPassword(DEB.shadow, 'root', lockPassword)).toContain('root:!*:20778:');
  });

  it('names the password state without showing the hash', () => {
    expect(passwordState('')).toBe('no-password');
    expect(passwordState('!')).toBe('locked');
    expect(passwordState('!!')).toBe('locked');
    expect(passwordState('!$6$abc$def')).toBe('locked');
    expect(passwordState('$y$j9T$abc$def')).toBe('has-password');
    expect(passwordState('abJnggxhB/yWI')).toBe('has-password'); // DES
    expect(passwordState('*')).toBe('disabled');
    expect(passwordState('x')).toBe('disabled');
    expect(passwordState('GUEST-SHADOW')).toBe('disabled');
  });

  it('redacts hashes for diffs, keeping the lock markers', () => {
    const text = 'root:!$6$salt$hash:1::::::\nbob:$y$j9T$s$h:1::::::\nsvc:!:1::::::\nnone::1::::::\n';
    expect(redactPasswords(text)).toBe('root:!<hash>:1::::::\nbob:<hash>:1::::::\nsvc:!:1::::::\nnone::1::::::\n');
    // a hash that was not there before shows as new
    expect(redactPasswords(text, hashesIn('root:$6$salt$hash:1::::::\n'))).toBe('root:!<hash>:1::::::\nbob:<new hash>:1::::::\nsvc:!:1::::::\nnone::1::::::\n');
  });

  it('converts days', () => {
    expect(dayToIso(20778)).toBe('2026-11-21');
    expect(isoToDay('2026-11-21')).toBe(20778);
    expect(isoToDay('2026-02-30')).toBeNull();
  });
});
