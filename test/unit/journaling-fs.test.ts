import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file, link } from '../helpers/fake-guest.js';
import { JournalingFs } from '../../src/change-journal/journaling-fs.js';

function setup() {
  const g = fakeGuest({
    files: {
      '/etc': dir(),
      '/etc/motd': file('hello\n', { mode: 0o640, uid: 0, gid: 4 }),
      '/etc/alt': link('/etc/motd'),
      '/srv': dir(),
      '/srv/app': dir({ uid: 1000, gid: 1000 }),
      '/srv/app/a.txt': file('a\n', { uid: 1000, gid: 1000 }),
    },
  });
  return { g, fs: new JournalingFs(g.fs) };
}

describe('JournalingFs', () => {
  it('keeps the before-image of a file on its first write only, with owner, mode and content', async () => {
    const { g, fs } = setup();
    await fs.writeFile('/etc/motd', 'one\n');
    await fs.writeFile('/etc/motd', 'two\n');
    const entries = await fs.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.path).toBe('/etc/motd');
    expect(entries[0]!.before).toMatchObject({ state: 'present', type: 'file', mode: 0o640, uid: 0, gid: 4 });
    expect((entries[0]!.before as { content: Buffer }).content.toString()).toBe('hello\n');
    expect(entries[0]!.after?.toString()).toBe('two\n');
    expect((await g.fs.readFile('/etc/motd')).toString()).toBe('two\n');
  });

  it('records a new file as absent, and a write through a symlink under the file it reaches', async () => {
    const { fs } = setup();
    await fs.writeFile('/etc/new.conf', 'x=1\n');
    await fs.chmod('/etc/alt', 0o600);
    const entries = await fs.entries();
    expect(entries.map((e) => [e.path, e.before.state])).toEqual([
      ['/etc/new.conf', 'absent'],
      ['/etc/motd', 'present'],
    ]);
  });

  it('records chown, symlink, mkdir -p ancestors and xattrs', async () => {
    const { g, fs } = setup();
    await g.fs.setXattr('/etc/motd', 'security.selinux', 'system_u:object_r:etc_t:s0');
    await fs.chown('/etc/motd', 1000, 1000);
    await fs.symlink('/etc/motd', '/etc/link2');
    await fs.mkdir('/opt/x/y', { parents: true });
    const entries = await fs.entries();
    expect(entries.map((e) => [e.path, e.before.state])).toEqual([
      ['/etc/motd', 'present'],
      ['/etc/link2', 'absent'],
      ['/opt/x/y', 'absent'],
      ['/opt/x', 'absent'],
      ['/opt', 'absent'],
    ]);
    const motd = entries[0]!.before as { xattrs: Record<string, Buffer>; uid: number };
    expect(motd.uid).toBe(0);
    expect(motd.xattrs['security.selinux']!.toString()).toBe('system_u:object_r:etc_t:s0');
  });

  it('records a removed tree entry by entry and both sides of a rename', async () => {
    const { fs } = setup();
    await fs.rename('/etc/motd', '/etc/motd.old');
    await fs.remove('/srv/app', { recursive: true });
    const entries = await fs.entries();
    expect(entries.map((e) => [e.path, e.before.state, e.after === null ? 'gone' : 'kept'])).toEqual([
      ['/etc/motd', 'present', 'gone'],
      ['/etc/motd.old', 'absent', 'kept'],
      ['/srv/app', 'present', 'gone'],
      ['/srv/app/a.txt', 'present', 'gone'],
    ]);
    expect(entries[2]!.before).toMatchObject({ type: 'directory', uid: 1000 });
  });

  it('records a symlink replaced as a link, not the file it points to', async () => {
    const { fs } = setup();
    await fs.remove('/etc/alt');
    const [e] = await fs.entries();
    expect(e!.path).toBe('/etc/alt');
    expect(e!.before).toMatchObject({ type: 'symlink', linkTarget: '/etc/motd' });
  });

  it('does not change a path whose before-image cannot be read', async () => {
    const { g } = setup();
    const failingRead = async (): Promise<Buffer> => {
      throw Object.assign(new Error('EIO'), { code: 'EIO' });
    };
    const inner = { lstat: g.fs.lstat.bind(g.fs), realpath: g.fs.realpath.bind(g.fs), readFile: failingRead, writeFile: g.fs.writeFile.bind(g.fs) };
    const broken = new JournalingFs(inner as never);
    await expect(broken.writeFile('/etc/motd', 'x')).rejects.toThrow('EIO');
    expect((await g.fs.readFile('/etc/motd')).toString()).toBe('hello\n');
    expect(await broken.entries()).toEqual([]);
  });
});
