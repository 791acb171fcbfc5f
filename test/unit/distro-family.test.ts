import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalGuestFs } from '../../src/guest/local-fs.js';
import type { Guest } from '../../src/guest/types.js';
import { distroFamily } from '../../src/inspect/distro-family.js';
import { emptyOsInfo } from '../../src/inspect/os.js';
import { guestUser } from '../../src/users/guest-user.js';

const tmp = mkdtempSync(join(tmpdir(), 'guestctl-distro-family-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function guest(name: string, os: Partial<ReturnType<typeof emptyOsInfo>>, files: Record<string, string> = {}): Guest {
  const root = join(tmp, name);
  mkdirSync(join(root, 'etc'), { recursive: true });
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  return { fs: new LocalGuestFs(root, false), os: { ...emptyOsInfo(), ...os } } as unknown as Guest;
}

describe('distro family', () => {
  it("from os-release's ID first", async () => {
    expect(await distroFamily(guest('ubuntu', { distro: 'ubuntu' }))).toBe('debian');
    expect(await distroFamily(guest('rocky', { distro: 'rocky' }))).toBe('rhel');
    expect(await distroFamily(guest('leap', { distro: 'opensuse-leap' }))).toBe('suse');
    expect(await distroFamily(guest('sles', { distro: 'sles' }))).toBe('suse');
  });

  it("then the package format and the family's marker files", async () => {
    expect(await distroFamily(guest('deb', { distro: 'unknown-deb', packageFormat: 'deb' }))).toBe('debian');
    expect(await distroFamily(guest('dv', {}, { 'etc/debian_version': '12.5\n' }))).toBe('debian');
    expect(await distroFamily(guest('rr', {}, { 'etc/redhat-release': 'CentOS release 6\n' }))).toBe('rhel');
    expect(await distroFamily(guest('suse-old', {}, { 'etc/SuSE-release': 'SUSE 11\n' }))).toBe('suse');
    expect(await distroFamily(guest('arch', { distro: 'arch' }))).toBe('other');
  });
});

describe("a user from the guest's passwd", () => {
  it('by name or UID; a missing user or passwd file is named', async () => {
    const g = guest('users', {}, { 'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n' });
    expect((await guestUser(g, 'alice')).home).toBe('/home/alice');
    expect((await guestUser(g, '0')).name).toBe('root');
    await expect(guestUser(g, 'bob')).rejects.toThrow("no user 'bob' in the guest's /etc/passwd");
    await expect(guestUser(guest('no-passwd', {}), 'root')).rejects.toThrow('the guest has no /etc/passwd');
  });
});
