import { describe, expect, it } from 'vitest';
import { finishDiff, planDiff, provenUnchanged, xattrDifferences, type DiffOptions, type TreeEntry } from '../../src/image-diff/compare.js';
import { diffLine, renderDiff } from '../../src/image-diff/render.js';
import { parseGetfattrDump, unescapeGetfattr } from '../../src/parsers/getfattr-dump.js';
import { parseDiffArgs } from '../../src/cli/diff.js';
import { hasRealCtime } from '../../src/image-diff/ctime-filesystems.js';

// guestctl diff: the pure comparison (two listings in, differences out), its rendering, the
// getfattr dump it reads xattrs from, and its argument parsing.

const T = 1_764_000_000_123.456;
function e(path: string, over: Partial<TreeEntry> = {}): TreeEntry {
  return { path, type: 'file', size: 10, mode: 0o644, uid: 0, gid: 0, inode: 100, mtimeMs: T, ctimeMs: T, ...over };
}
const opts = (o: Partial<DiffOptions> = {}): DiffOptions => ({ content: true, times: false, sharedBase: false, ...o });

describe('planDiff', () => {
  it('finds added, removed and metadata changes, sorted by path', () => {
    const a = [e('/'), e('/etc', { type: 'directory' }), e('/etc/motd'), e('/usr/bin/ping', { mode: 0o755 }), e('/x', { type: 'symlink', target: '/a' })];
    const b = [
      e('/x', { type: 'symlink', target: '/b' }),
      e('/usr/bin/ping', { mode: 0o755, xattrs: { 'security.capability': '0100' } }),
      e('/etc', { type: 'directory', mode: 0o700, uid: 1, gid: 2 }),
      e('/etc/new', { size: 3 }),
      e('/'),
    ];
    const plan = planDiff(a, b, opts());
    expect(plan.rows.map((r) => [r.path, r.status, r.changed])).toEqual([
      ['/etc', 'changed', ['mode', 'owner']],
      ['/etc/motd', 'removed', undefined],
      ['/etc/new', 'added', undefined],
      ['/usr/bin/ping', 'changed', ['xattrs']],
      ['/x', 'changed', ['target']],
    ]);
    expect(plan.rows[0]!.a).toEqual({ type: 'directory', mode: 0o644, uid: 0, gid: 0 });
    expect(plan.rows[0]!.b).toEqual({ type: 'directory', mode: 0o700, uid: 1, gid: 2 });
    expect(plan.rows[3]!.xattrNames).toEqual(['security.capability']);
    expect(plan.rows[3]!.a!.xattrs).toEqual({});
    expect(plan.rows[3]!.b!.xattrs).toEqual({ 'security.capability': '0100' });
    expect(plan.rows[4]!.a!.target).toBe('/a');
    // Same-size regular files present in both are hashed (no shared base).
    expect(plan.toHash).toEqual(['/', '/usr/bin/ping']);
  });

  it('reports a type change, and compares no content across types', () => {
    const plan = planDiff([e('/p')], [e('/p', { type: 'symlink', target: 'f' })], opts());
    expect(plan.rows).toEqual([{ path: '/p', status: 'changed', changed: ['type'], a: { type: 'file' }, b: { type: 'symlink' } }]);
    expect(plan.toHash).toEqual([]);
  });

  it('decides content from the size without hashing', () => {
    const plan = planDiff([e('/f', { size: 1 })], [e('/f', { size: 2 })], opts());
    expect(plan.rows[0]!.changed).toEqual(['content']);
    expect(plan.rows[0]!.a!.size).toBe(1);
    expect(plan.toHash).toEqual([]);
  });

  it('with --no-content compares sizes only', () => {
    expect(planDiff([e('/f')], [e('/f', { inode: 5 })], opts({ content: false }))).toEqual({ rows: [], toHash: [] });
  });

  it('on overlays of one base, trusts identical inode, size, mtime and ctime', () => {
    expect(planDiff([e('/f')], [e('/f')], opts({ sharedBase: true })).toHash).toEqual([]);
    for (const over of [{ inode: 7 }, { mtimeMs: T + 1 }, { ctimeMs: T + 0.001 }])
      expect(planDiff([e('/f')], [e('/f', over)], opts({ sharedBase: true })).toHash, JSON.stringify(over)).toEqual(['/f']);
    // Without a shared base nothing is proven by metadata.
    expect(provenUnchanged(e('/f'), e('/f'), opts())).toBe(false);
    // An unknown inode (NaN) never proves anything.
    expect(provenUnchanged(e('/f', { inode: Number.NaN }), e('/f', { inode: Number.NaN }), opts({ sharedBase: true }))).toBe(false);
  });

  it('ignores times unless asked, and never compares a symlink mtime', () => {
    const a = [e('/f'), e('/l', { type: 'symlink', target: 't' })];
    const b = [e('/f', { mtimeMs: T + 5000 }), e('/l', { type: 'symlink', target: 't', mtimeMs: 0 })];
    expect(planDiff(a, b, opts({ content: false })).rows).toEqual([]);
    const rows = planDiff(a, b, opts({ content: false, times: true })).rows;
    expect(rows.map((r) => [r.path, r.changed])).toEqual([['/f', ['mtime']]]);
    expect(rows[0]!.b!.mtime).toBe(new Date(T + 5000).toISOString());
  });

  it('reports an empty side entirely as added or removed', () => {
    expect(planDiff([], [e('/d', { type: 'directory' }), e('/d/f')], opts()).rows.map((r) => r.status)).toEqual(['added', 'added']);
    expect(planDiff([e('/d/f')], [], opts()).rows.map((r) => r.status)).toEqual(['removed']);
  });
});

describe('finishDiff', () => {
  it('adds content changes from the hashes, merged with metadata changes, in field order', () => {
    const plan = planDiff([e('/a'), e('/b'), e('/c', { mode: 0o600 })], [e('/a'), e('/b'), e('/c')], opts());
    expect(plan.toHash).toEqual(['/a', '/b', '/c']);
    const rows = finishDiff(
      plan,
      new Map([
        ['/a', { a: 'aa', b: 'aa' }],
        ['/b', { a: 'b1', b: 'b2' }],
        ['/c', { a: 'c1', b: 'c2' }],
      ]),
    );
    expect(rows).toEqual([
      { path: '/b', status: 'changed', changed: ['content'], a: { type: 'file', sha256: 'b1' }, b: { type: 'file', sha256: 'b2' } },
      { path: '/c', status: 'changed', changed: ['content', 'mode'], a: { type: 'file', mode: 0o600, sha256: 'c1' }, b: { type: 'file', mode: 0o644, sha256: 'c2' } },
    ]);
  });

  it('fails when a planned hash is missing', () => {
    expect(() => finishDiff({ rows: [], toHash: ['/x'] }, new Map())).toThrow('no hashes for /x');
  });
});

describe('xattrDifferences', () => {
  it.each([
    [{}, {}, []],
    [{ 'security.selinux': '00' }, { 'security.selinux': '00' }, []],
    [{ 'security.selinux': '00' }, { 'security.selinux': '01' }, ['security.selinux']],
    [{ 'system.posix_acl_access': '02' }, {}, ['system.posix_acl_access']],
    [{}, { 'system.posix_acl_default': '02', 'security.capability': '01' }, ['security.capability', 'system.posix_acl_default']],
  ])('%j vs %j', (a, b, want) => expect(xattrDifferences(a, b)).toEqual(want));
});

describe('rendering', () => {
  it('one line per difference, guest text escaped', () => {
    const plan = planDiff(
      [e('/gone'), e('/f', { size: 1, mode: 0o755, uid: 0 }), e('/l', { type: 'symlink', target: 'a' }), e('/cap', { xattrs: { 'security.capability': '01' } })],
      [e('/new\x1b[2J', { type: 'symlink', target: '/etc/shadow' }), e('/f', { size: 2, mode: 0o4755, uid: 1000, gid: 1000 }), e('/l', { type: 'symlink', target: 'b\n' }), e('/cap')],
      opts(),
    );
    const rows = finishDiff(plan, new Map([['/cap', { a: 'x', b: 'x' }]]));
    expect(renderDiff(rows)).toBe(
      [
        '~ /cap: xattrs security.capability',
        '~ /f: content (size 1 -> 2), mode 0755 -> 4755, owner 0:0 -> 1000:1000',
        '- /gone (file)',
        '~ /l: link target a -> b\\n',
        '+ /new\\e[2J (symlink -> /etc/shadow)',
        '',
      ].join('\n'),
    );
    expect(diffLine({ path: '/t', status: 'changed', changed: ['type'], a: { type: 'file' }, b: { type: 'directory' } })).toBe('~ /t: type file -> directory');
  });
});

describe('parseGetfattrDump', () => {
  // Real output of getfattr -R -P -h -d -m - -e hex --absolute-names (attr 2.5, Debian 12).
  const dump = [
    '# file: /tmp/r/root/usr/bin/ping',
    'security.capability=0x0100000200200000000000000000000000000000',
    '',
    '# file: /tmp/r/root/b\\012c',
    'user.y=0x31',
    '',
    '# file: /tmp/r/root/back\\134slash',
    'security.selinux=0x73797374656d5f753a6f626a6563745f723a62696e5f743a733000',
    'user.empty=0x',
    '',
    '# file: /tmp/r/root/\\303\\251t\ttab',
    'system.posix_acl_access=0x0200000001000700FFFFFFFF',
    '',
  ].join('\n');

  it('maps each file to its attributes, names unescaped', () => {
    const m = parseGetfattrDump(dump);
    expect([...m.keys()]).toEqual(['/tmp/r/root/usr/bin/ping', '/tmp/r/root/b\nc', '/tmp/r/root/back\\slash', '/tmp/r/root/ét\ttab']);
    expect(m.get('/tmp/r/root/usr/bin/ping')).toEqual({ 'security.capability': '0100000200200000000000000000000000000000' });
    expect(m.get('/tmp/r/root/back\\slash')).toEqual({ 'security.selinux': '73797374656d5f753a6f626a6563745f723a62696e5f743a733000', 'user.empty': '' });
    expect(m.get('/tmp/r/root/ét\ttab')).toEqual({ 'system.posix_acl_access': '0200000001000700ffffffff' });
  });

  it('rejects what it does not understand', () => {
    expect(() => parseGetfattrDump('user.x=0x31\n')).toThrow('unexpected getfattr line');
    expect(() => parseGetfattrDump('# file: /a\nuser.x="text"\n')).toThrow('unexpected getfattr value');
  });

  it('unescapes only three-digit octal escapes', () => {
    expect(unescapeGetfattr('a\\134b\\012')).toBe('a\\b\n');
    expect(unescapeGetfattr('a\\12')).toBe('a\\12');
  });
});

describe('parseDiffArgs', () => {
  it('reads images and options', () => {
    expect(parseDiffArgs(['a.qcow2', 'b.qcow2', '--path', '/etc/', '--json', '--times'], {})).toEqual({
      a: 'a.qcow2', b: 'b.qcow2', path: '/etc', json: true, content: true, times: true, checksum: false, color: false, debug: false,
    });
    expect(parseDiffArgs(['a', 'b', '--no-content'], {}).content).toBe(false);
  });

  it.each([
    [['a.qcow2'], 'two images'],
    [['a', 'b', 'c'], "unexpected argument 'c'"],
    [['a', 'b', '--path', 'etc'], 'absolute'],
    [['a', 'b', '--checksum', '--no-content'], 'do not go together'],
  ])('refuses %j', (argv, msg) => expect(() => parseDiffArgs(argv, {})).toThrow(msg));
});

describe('hasRealCtime', () => {
  const mounts = [
    { device: '/dev/sda4', mountpoint: '/', fstype: 'ext4' },
    { device: '/dev/sda2', mountpoint: '/boot', fstype: 'ext4' },
    { device: '/dev/sda1', mountpoint: '/boot/efi', fstype: 'vfat' },
  ];
  it.each([
    ['/etc/hosts', true],
    ['/boot/vmlinuz', true],
    ['/boot/efi', false],
    ['/boot/efi/EFI/debian/grubx64.efi', false],
    ['/boot/efix', true],
  ])('%s: %s', (path, want) => expect(hasRealCtime(path, mounts)).toBe(want));
  it('a guest without mounts (a directory) keeps ctimes', () => expect(hasRealCtime('/x', [])).toBe(true));
});
