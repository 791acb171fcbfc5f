// The account planners on real Debian 12 / RHEL 9 files: the lines they add are the lines
// the distribution's own useradd writes (observed on the Debian fixture, RHEL's known '!!').
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../src/guest/file-changes.js';
import { parseLoginDefs } from '../../src/parsers/login-defs.js';
import { parseUseraddDefaults } from '../../src/parsers/useradd-defaults.js';
import type { AccountFiles } from '../../src/users/accounts.js';
import { planAddUser, type AddUserRequest } from '../../src/users/plan-add.js';
import { planModUser, planPassword } from '../../src/users/plan-modify.js';
import { planDelUser } from '../../src/users/plan-remove.js';

const sample = (name: string) => readFileSync(new URL(`./samples/${name}`, import.meta.url), 'utf8');
const TODAY = 20000;

function debian(): AccountFiles {
  return {
    passwd: sample('debian12-passwd'),
    group: sample('debian12-group'),
    shadow: sample('debian12-shadow'),
    gshadow: sample('debian12-gshadow'),
    subuid: '',
    subgid: '',
    loginDefs: parseLoginDefs(sample('debian12-login.defs')),
    defaults: parseUseraddDefaults(sample('debian12-useradd')),
    rpmFamily: false,
  };
}

function rhel(): AccountFiles {
  return {
    passwd: sample('rhel9-passwd'),
    group: sample('rhel9-group'),
    shadow: sample('rhel9-shadow'),
    gshadow: sample('rhel9-gshadow'),
    subuid: null,
    subgid: null,
    loginDefs: parseLoginDefs(sample('rhel9-login.defs')),
    defaults: parseUseraddDefaults(sample('rhel9-useradd')),
    rpmFamily: true,
  };
}

/** The lines each change adds and removes. */
function delta(changes: FileChange[]): Record<string, { added: string[]; removed: string[] }> {
  const out: Record<string, { added: string[]; removed: string[] }> = {};
  for (const c of changes) {
    const a = (c.before ?? '').split('\n');
    const b = c.after.split('\n');
    out[c.path] = { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
  }
  return out;
}

/** Apply a plan's changes to the files (as the writer would). */
function applied(files: AccountFiles, changes: FileChange[]): AccountFiles {
  const next = { ...files };
  const key: Record<string, keyof AccountFiles> = { '/etc/passwd': 'passwd', '/etc/shadow': 'shadow', '/etc/group': 'group', '/etc/gshadow': 'gshadow', '/etc/subuid': 'subuid', '/etc/subgid': 'subgid' };
  for (const c of changes) (next as Record<string, unknown>)[key[c.path]!] = c.after;
  return next;
}

const req = (name: string, more: Partial<AddUserRequest> = {}): AddUserRequest => ({ name, groups: [], system: false, createHome: true, ...more });

describe('planAddUser', () => {
  it('Debian 12: the same lines `useradd -m alice` writes', () => {
    const op = planAddUser(debian(), req('alice'), { today: TODAY });
    expect(op).toMatchObject({ uid: 1000, gid: 1000, privateGroup: true, home: '/home/alice', shell: '/bin/sh', subuid: { start: 100000, count: 65536 } });
    expect(op.createHome).toEqual({ path: '/home/alice', mode: 0o755, uid: 1000, gid: 1000, skel: '/etc/skel' });
    expect(op.mailSpool).toBeNull();
    expect(delta(op.changes)).toEqual({
      '/etc/passwd': { added: ['alice:x:1000:1000::/home/alice:/bin/sh'], removed: [] },
      '/etc/shadow': { added: [`alice:!:${TODAY}:0:99999:7:::`], removed: [] },
      '/etc/group': { added: ['alice:x:1000:'], removed: [] },
      '/etc/gshadow': { added: ['alice:!::'], removed: [] },
      '/etc/subuid': { added: ['alice:100000:65536'], removed: [] },
      '/etc/subgid': { added: ['alice:100000:65536'], removed: [] },
    });
  });

  it('Debian 12: system accounts as `useradd -r` (999/997, then 997/996), no aging, no subids', () => {
    let files = debian();
    const a = planAddUser(files, req('sysu1', { system: true, createHome: false }), { today: TODAY });
    expect([a.uid, a.gid, a.subuid]).toEqual([999, 997, null]);
    expect(delta(a.changes)['/etc/shadow']!.added).toEqual([`sysu1:!:${TODAY}::::::`]);
    files = applied(files, a.changes);
    const b = planAddUser(files, req('sysu2', { system: true, createHome: false }), { today: TODAY });
    expect([b.uid, b.gid]).toEqual([997, 996]);
  });

  it('supplementary groups go into group and gshadow member lists', () => {
    const op = planAddUser(debian(), req('alice', { groups: ['sudo,users', 'sudo'], shell: '/bin/bash', comment: 'Alice Example,,,' }), { today: TODAY });
    const d = delta(op.changes);
    expect(d['/etc/group']!.added).toEqual(['sudo:x:27:alice', 'users:x:100:alice', 'alice:x:1000:']);
    expect(d['/etc/gshadow']!.added).toEqual(['sudo:*::alice', 'users:*::alice', 'alice:!::']);
    expect(d['/etc/passwd']!.added).toEqual(['alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash']);
  });

  it('RHEL 9: uid 1001, !!, HOME_MODE 0700, mail spool owned by group mail, system ids from 999 down in 201..999', () => {
    const op = planAddUser(rhel(), req('bob'), { today: TODAY });
    expect(op).toMatchObject({ uid: 1001, gid: 1001, shell: '/bin/bash' });
    expect(op.createHome!.mode).toBe(0o700);
    expect(op.mailSpool).toEqual({ path: '/var/spool/mail/bob', mode: 0o660, uid: 1001, gid: 12 });
    expect(delta(op.changes)['/etc/shadow']!.added).toEqual([`bob:!!:${TODAY}:0:99999:7:::`]);
    const sys = planAddUser(rhel(), req('svc', { system: true }), { today: TODAY });
    expect([sys.uid, sys.gid]).toEqual([995, 991]); // 995 is ssh_keys' gid: counted down past 992 (chrony)
  });

  it('an explicit primary group: no private group; the default GROUP without USERGROUPS_ENAB', () => {
    const op = planAddUser(debian(), req('carol', { group: 'users' }), { today: TODAY });
    expect([op.gid, op.primaryGroup, op.privateGroup]).toEqual([100, 'users', false]);
    expect(delta(op.changes)['/etc/group']).toBeUndefined();
    const byGid = planAddUser(debian(), req('carol', { gid: 27 }), { today: TODAY });
    expect(byGid.primaryGroup).toBe('sudo');
    const files = { ...debian(), loginDefs: parseLoginDefs('UID_MIN 1000') };
    expect(planAddUser(files, req('dave'), { today: TODAY })).toMatchObject({ gid: 100, primaryGroup: 'users', privateGroup: false });
  });

  it('sets a password hash when given, and keeps shadow-less guests working', () => {
    const op = planAddUser(debian(), req('erin', { passwordHash: '$6$salt$hash' }), { today: TODAY });
    expect(delta(op.changes)['/etc/shadow']!.added).toEqual([`erin:$6$salt$hash:${TODAY}:0:99999:7:::`]);
    const noShadow = { ...debian(), shadow: null, gshadow: null };
    const op2 = planAddUser(noShadow, req('erin', { passwordHash: '$6$salt$hash' }), { today: TODAY });
    expect(delta(op2.changes)['/etc/passwd']!.added).toEqual(['erin:$6$salt$hash:1000:1000::/home/erin:/bin/sh']);
    expect(op2.changes.map((c) => c.path)).not.toContain('/etc/shadow');
  });

  it('refuses bad requests with clear messages', () => {
    const d = debian();
    expect(() => planAddUser(d, req('root'), { today: TODAY })).toThrow("user 'root' already exists");
    expect(() => planAddUser(d, req('staff'), { today: TODAY })).toThrow(/a group named 'staff' already exists: pass --group staff/);
    expect(() => planAddUser(d, req('a b'), { today: TODAY })).toThrow(/invalid user name 'a b': it contains whitespace/);
    expect(() => planAddUser(d, req('x', { uid: 0 }), { today: TODAY })).toThrow(/uid 0 is already used by 'root'/);
    expect(() => planAddUser(d, req('x', { groups: ['nosuch'] }), { today: TODAY })).toThrow(/group 'nosuch' does not exist/);
    expect(() => planAddUser(d, req('x', { home: 'relative' }), { today: TODAY })).toThrow(/absolute/);
    expect(() => planAddUser(d, req('x', { comment: 'a:b' }), { today: TODAY })).toThrow(/cannot contain ':'/);
    expect(() => planAddUser(d, req('x', { gid: 1, group: 'users' }), { today: TODAY })).toThrow(/not both/);
  });
});

describe('planDelUser', () => {
  const withAlice = () => {
    const d = debian();
    return applied(d, planAddUser(d, req('alice', { groups: ['sudo', 'users'] }), { today: TODAY }).changes);
  };

  it('removes the user everywhere and its private group', () => {
    const files = withAlice();
    const op = planDelUser(files, 'alice', { removeHome: true });
    expect(op.removedGroup).toBe('alice');
    const after = applied(files, op.changes);
    const d = debian();
    expect(after.passwd).toBe(d.passwd);
    expect(after.shadow).toBe(d.shadow);
    expect(after.group).toBe(d.group);
    expect(after.gshadow).toBe(d.gshadow);
    expect(after.subuid).toBe('');
    expect(op.mailSpool).toBe('/var/mail/alice');
  });

  it('keeps a private group that is still in use', () => {
    let files = withAlice();
    files = applied(files, planAddUser(files, req('bob', { group: 'alice' }), { today: TODAY }).changes);
    const op = planDelUser(files, 'alice', { removeHome: false });
    expect(op.removedGroup).toBeNull();
    expect(op.notes).toEqual(["group 'alice' kept: it is the primary group of 'bob'"]);
  });

  it('refuses uid 0 and unknown users', () => {
    expect(() => planDelUser(debian(), 'root', { removeHome: false })).toThrow(/uid 0/);
    expect(() => planDelUser(debian(), 'nosuch', { removeHome: false })).toThrow(/no user 'nosuch'/);
  });

  it('keeps (but still deletes the account of) homes that are system directories or shared', () => {
    expect(planDelUser(debian(), 'daemon', { removeHome: true }).keepHome).toBe('it is a system directory');
    expect(planDelUser(debian(), 'nobody', { removeHome: true }).keepHome).toBe('it is a system directory');
    expect(planDelUser(withAlice(), 'alice', { removeHome: true }).keepHome).toBeNull();
    expect(planDelUser(withAlice(), 'alice', { removeHome: false }).keepHome).toBeNull();
    expect(planDelUser(debian(), 'daemon', { removeHome: true }).changes.map((c) => c.path)).toContain('/etc/passwd');
  });
});

describe('planModUser and planPassword', () => {
  const files = () => {
    const d = debian();
    return applied(d, planAddUser(d, req('alice', { groups: ['users'], passwordHash: '$y$j9T$s$h' }), { today: TODAY }).changes);
  };

  it('adds and removes groups in group and gshadow', () => {
    const op = planModUser(files(), { name: 'alice', addGroups: ['sudo,adm'], removeGroups: ['users'], moveHome: false, lock: false, unlock: false });
    expect(op.summary).toEqual(['+sudo', '+adm', '-users']);
    const d = delta(op.changes);
    expect(d['/etc/group']).toEqual({ added: ['adm:x:4:alice', 'sudo:x:27:alice', 'users:x:100:'], removed: ['adm:x:4:', 'sudo:x:27:', 'users:x:100:alice'] });
    expect(d['/etc/gshadow']!.added).toEqual(['adm:*::alice', 'sudo:*::alice', 'users:*::']);
  });

  it('changes shell, home and comment; notes no-ops', () => {
    const op = planModUser(files(), { name: 'alice', addGroups: ['users'], removeGroups: ['sudo'], shell: '/bin/bash', home: '/srv/alice/', moveHome: true, lock: false, unlock: false, comment: 'A' });
    expect(delta(op.changes)['/etc/passwd']!.added).toEqual(['alice:x:1000:1000:A:/srv/alice:/bin/bash']);
    expect(op.moveHomeTo).toBe('/srv/alice');
    expect(op.notes).toEqual(["'alice' is already a member of users", "'alice' is not a member of sudo"]);
  });

  it('locks and unlocks', () => {
    const locked = planModUser(files(), { name: 'alice', addGroups: [], removeGroups: [], moveHome: false, lock: true, unlock: false });
    expect(delta(locked.changes)['/etc/shadow']!.added).toEqual([`alice:!$y$j9T$s$h:${TODAY}:0:99999:7:::`]);
    const again = planModUser(applied(files(), locked.changes), { name: 'alice', addGroups: [], removeGroups: [], moveHome: false, lock: true, unlock: false });
    expect(again.changes).toEqual([]);
    expect(() => planModUser(files(), { name: 'alice', addGroups: [], removeGroups: [], moveHome: true, lock: false, unlock: false })).toThrow(/--move-home needs --home/);
  });

  it('passwd actions', () => {
    const f = files();
    const set = planPassword(f, 'alice', { kind: 'set', hash: '$6$new$hash' }, TODAY + 5);
    expect(delta(set.changes)['/etc/shadow']!.added).toEqual([`alice:$6$new$hash:${TODAY + 5}:0:99999:7:::`]);
    expect(delta(planPassword(f, 'alice', { kind: 'expire' }, TODAY).changes)['/etc/shadow']!.added).toEqual(['alice:$y$j9T$s$h:0:0:99999:7:::']);
    expect(delta(planPassword(f, 'alice', { kind: 'delete' }, TODAY).changes)['/etc/shadow']!.added).toEqual([`alice::${TODAY}:0:99999:7:::`]);
    expect(() => planPassword(debian(), 'messagebus', { kind: 'unlock' }, TODAY)).toThrow(/without a password/);
    expect(planPassword(debian(), 'messagebus', { kind: 'lock' }, TODAY).notes[0]).toMatch(/already locked/);
  });
});
