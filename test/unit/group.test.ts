import { describe, expect, it } from 'vitest';
import { findGroup, groupEntries, parseGroup } from '../../src/parsers/group.js';

const RHEL = `root:x:0:
bin:x:1:
daemon:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:alice,bob
cdrom:x:11:
mail:x:12:
video:x:39:
users:x:100:
nobody:x:65534:
ssh_keys:x:101:
systemd-journal:x:190:
sshd:x:74:
alice:x:1000:
bob:x:1001:
docker:x:982:alice , bob,,carol`;

describe('parseGroup', () => {
  it('reads a RHEL group file without a final newline', () => {
    const entries = parseGroup(RHEL);
    expect(entries).toHaveLength(19);
    expect(entries[7]).toEqual({ kind: 'group', name: 'wheel', password: 'x', gid: 10, members: ['alice', 'bob'], line: 8, raw: 'wheel:x:10:alice,bob' });
    expect(entries[0]).toMatchObject({ name: 'root', members: [] });
    expect(entries[18]).toMatchObject({ name: 'docker', members: ['alice', 'bob', 'carol'] });
  });

  it('keeps NIS, comments and malformed lines, losslessly', () => {
    const text = '# groups\r\nstaff:x:50:\r\n\r\nbroken:x\r\nbadgid:x:ten:\r\n:x:9:\r\n+@netgroup\r\n-ghosts:::\r\n';
    const entries = parseGroup(text);
    expect(entries.map((e) => e.kind)).toEqual(['comment', 'group', 'blank', 'invalid', 'invalid', 'invalid', 'nis', 'nis']);
    expect(entries.map((e) => `${e.raw}\n`).join('')).toBe(text);
    expect(entries[1]).toMatchObject({ name: 'staff', gid: 50, members: [] });
    expect(entries[3]).toMatchObject({ reason: 'expected 4 fields, found 2' });
    expect(entries[4]).toMatchObject({ reason: "bad gid 'ten'" });
    expect(groupEntries(entries).map((g) => g.name)).toEqual(['staff']);
  });
});

describe('findGroup', () => {
  const entries = parseGroup(`${RHEL}\n4:x:4000:\n`);
  it.each<[string | number, string | undefined]>([
    ['wheel', 'wheel'],
    [10, 'wheel'],
    ['10', 'wheel'],
    ['4', '4'], // a name wins over a gid
    [4, 'adm'],
    ['4000', '4'],
    ['nogroup', undefined],
    [12345, undefined],
  ])('%j → %j', (query, name) => expect(findGroup(entries, query)?.name).toBe(name));
});
