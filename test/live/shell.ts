import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, tempDir, type CliResult } from '../helpers/cli.js';
import { agentCommand, agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// The foundation's file commands on a running Debian guest through `--domain` (virsh
// qemu-agent-command). Every change is checked through a SEPARATE path: plain
// `virsh qemu-agent-command` guest-exec of the guest's own coreutils (agentExec).

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The guest's own answer: stdout of argv run by qemu-ga (not through guestctl). */
async function guest(vm: LiveVm, argv: string[]): Promise<string> {
  const r = await agentExec(vm, argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed in the guest: ${r.stderr}`);
  return r.stdout;
}

function ok(r: CliResult): CliResult {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

export function liveShellTests(getVm: () => LiveVm): void {
  describe('live shell: file commands on the running guest (virsh transport)', () => {
    let vm: LiveVm;
    const base = `/root/guestctl-live-${process.pid}`;
    let host: { path: string; cleanup(): void };
    const sh = (commands: string[], extra: string[] = []) => liveShell(vm, commands, extra);

    beforeAll(async () => {
      vm = getVm();
      host = tempDir('guestctl-live-shell-');
      await guest(vm, ['mkdir', '-p', base]);
    });
    afterAll(async () => {
      await agentExec(vm, ['rm', '-rf', base]);
      host.cleanup();
    });

    it('info: Debian 12 from guest-get-osinfo, host name and filesystems from the agent', async () => {
      const info = JSON.parse(ok(await sh(['info'], ['--json'])).stdout);
      const os = await agentCommand(vm, 'guest-get-osinfo');
      expect(info).toMatchObject({
        kind: 'live',
        name: vm.domain,
        type: 'linux',
        distro: 'debian',
        version: '12',
        product: 'Debian GNU/Linux 12 (bookworm)',
        shortName: 'debian12',
        arch: 'x86_64',
        hostname: 'deb12-fixture',
        packageFormat: 'deb',
        packageManager: 'apt',
        initSystem: 'systemd',
      });
      expect(info.product).toBe(os['pretty-name']);
      expect(info.kernels).toContain(os['kernel-release']);
      expect(info.mounts).toContainEqual(expect.objectContaining({ device: '/dev/vda4', mountpoint: '/', fstype: 'ext4' }));
      const human = ok(await sh(['info'])).stdout;
      expect(human).toMatch(/^Target +guestctl-live.* \(live\)$/m);
      expect(human).toMatch(/^ {2}\/dev\/vda4 on \/ type ext4$/m);
    });

    it('write, cat, ls -l, stat: what the guest itself reads back', async () => {
      const r = ok(await sh([`write ${base}/hello.txt 'hello from the host\\nline 2\\n'`, `cat ${base}/hello.txt`, `ls -l ${base}`, `stat ${base}/hello.txt`]));
      expect(r.stdout).toContain('hello from the host\nline 2\n');
      expect(await guest(vm, ['cat', `${base}/hello.txt`])).toBe('hello from the host\nline 2\n');
      expect(r.stdout).toMatch(/^-rw-r--r-- root root +27 .* hello\.txt$/m);
      const st = JSON.parse(ok(await sh([`stat ${base}/hello.txt`], ['--json'])).stdout);
      const [size, mode, uid, inode] = (await guest(vm, ['stat', '-c', '%s %a %u %i', `${base}/hello.txt`])).trim().split(' ');
      expect([st.size, st.mode, st.uid, st.inode]).toEqual([Number(size), mode!.padStart(4, '0'), Number(uid), Number(inode)]);
      expect(st.type).toBe('file');
    });

    it('mkdir -p, chmod, chown by the GUEST names (its own /etc/passwd)', async () => {
      ok(await sh([`mkdir -p ${base}/a/b/c`, `write ${base}/a/b/c/f 'x'`, `chmod 0640 ${base}/a/b/c/f`, `chown messagebus:nogroup ${base}/a/b/c/f`, `chmod -R go-rx ${base}/a`]));
      const ids = (await guest(vm, ['id', '-u', 'messagebus'])).trim() + ':' + (await guest(vm, ['getent', 'group', 'nogroup'])).split(':')[2];
      expect((await guest(vm, ['stat', '-c', '%a %u:%g', `${base}/a/b/c/f`])).trim()).toBe(`600 ${ids}`);
      expect((await guest(vm, ['stat', '-c', '%a', `${base}/a/b`])).trim()).toBe('700');
      const ls = ok(await sh([`ls -l ${base}/a/b/c`])).stdout;
      expect(ls).toMatch(/^-rw------- messagebus nogroup +1 .* f$/m);
    });

    it('copy, move, find, delete', async () => {
      ok(await sh([`copy ${base}/hello.txt ${base}/copy.txt`, `move ${base}/copy.txt ${base}/a/moved.txt`, `copy -r ${base}/a ${base}/a2`]));
      expect(await guest(vm, ['cat', `${base}/a/moved.txt`])).toBe('hello from the host\nline 2\n');
      expect(await guest(vm, ['test', '!', '-e', `${base}/copy.txt`]).then(() => true)).toBe(true);
      const found = JSON.parse(ok(await sh([`find ${base} -name '*.txt'`], ['--json'])).stdout);
      expect([...found].sort()).toEqual([`${base}/a/moved.txt`, `${base}/a2/moved.txt`, `${base}/hello.txt`]);
      ok(await sh([`delete -r ${base}/a2`, `delete ${base}/a/moved.txt`]));
      expect((await guest(vm, ['sh', '-c', `ls -A ${base}; ls -A ${base}/a`])).split('\n').filter(Boolean)).toEqual(['a', 'hello.txt', 'b']);
    });

    it('tree walks (find, disk-usage) read whole subtrees and agree with the guest\'s own find and du', async () => {
      const ours = JSON.parse(ok(await sh(['find /usr/share/doc /etc -type f'], ['--json'])).stdout) as string[];
      const theirs = (await guest(vm, ['find', '/usr/share/doc', '/etc', '-type', 'f'])).trim().split('\n');
      expect([...ours].sort()).toEqual([...theirs].sort());
      expect(ours.length).toBeGreaterThan(500);
      // Allocated blocks, hard links once: what GNU du counts by default (not -b's apparent sizes).
      const du = JSON.parse(ok(await sh(['disk-usage /etc'], ['--json'])).stdout);
      expect(du[0]).toEqual({ path: '/etc', size: Number((await guest(vm, ['du', '-s', '--block-size=1', '/etc'])).split('\t')[0]) });
    });

    // 640 KiB is ten 64 KiB agent requests each way; through virsh's line reader (about 100 KB/s
    // of base64, see the README) 3 MiB took three minutes of the suite.
    it('upload and download a 640 KiB binary: identical SHA-256; a replaced file keeps owner and mode', async () => {
      const data = randomBytes(640 << 10);
      writeFileSync(join(host.path, 'up.bin'), data);
      ok(await sh([`write ${base}/up.bin 'old'`, `chmod 0604 ${base}/up.bin`, `chown messagebus ${base}/up.bin`]));
      const inode = (await guest(vm, ['stat', '-c', '%i', `${base}/up.bin`])).trim();
      // The test guest has no attr package: the upload says the old file's attributes could not be kept.
      const up = await sh([`upload ${join(host.path, 'up.bin')} ${base}/up.bin`, `download ${base}/up.bin ${join(host.path, 'down.bin')}`]);
      expect(up.stderr).toBe(`note: the guest has no getfattr (package attr): extended attributes of the old ${base}/up.bin (ACLs, file capabilities), if it had any, could not be read and were not kept\n`);
      expect(up.code).toBe(0);
      expect((await guest(vm, ['sha256sum', `${base}/up.bin`])).split(' ')[0]).toBe(sha256(data));
      expect(sha256(readFileSync(join(host.path, 'down.bin')))).toBe(sha256(data));
      const [mode, user, newInode] = (await guest(vm, ['stat', '-c', '%a %U %i', `${base}/up.bin`])).trim().split(' ');
      expect([mode, user]).toEqual(['604', 'messagebus']);
      expect(newInode).not.toBe(inode); // replaced by rename, never truncated in place
      expect((await guest(vm, ['sh', '-c', `ls -A ${base} | grep guestctl || true`])).trim()).toBe('');
    });

    it('edit in the live shell with an EDITOR script: the guest sees the new content', async () => {
      const editor = join(host.path, 'ed.sh');
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/line 2/line two/" "$1"\n', { mode: 0o755 });
      const r = await guestctl(['interactive', '--domain', vm.domain, '--connect', vm.uri, '-c', `edit ${base}/hello.txt`], { env: { EDITOR: editor, VISUAL: '' } });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('-line 2\n+line two\n');
      expect(await guest(vm, ['cat', `${base}/hello.txt`])).toBe('hello from the host\nline two\n');
    });

    it('mount and umount are refused with the reason; --ro refuses changes', async () => {
      const m = await sh(['mount /dev/vda1 /mnt']);
      expect([m.code, m.stderr.split('\n')[0]]).toEqual([1, 'error: mount works on disk images only: this guest is a running VM']);
      const u = await sh(['umount /boot']);
      expect(u.stderr.split('\n')[0]).toBe('error: umount works on disk images only: this guest is a running VM');
      expect((await guest(vm, ['findmnt', '-n', '-o', 'SOURCE', '/boot'])).trim()).toBe('/dev/vda2');
      const ro = await sh([`write ${base}/ro.txt 'x'`], ['--ro']);
      expect(ro.stderr.split('\n')[0]).toBe('error: write changes the guest, and this session is read-only (--ro)');
      expect(existsSync(join(host.path, 'ro.txt'))).toBe(false);
      await expect(agentExec(vm, ['test', '-e', `${base}/ro.txt`])).resolves.toMatchObject({ code: 1 });
    });

    it('clear errors: a domain without an agent channel, an unknown domain', async () => {
      const n = await guestctl(['interactive', '--domain', vm.noAgentDomain, '--connect', vm.uri, '-c', 'info']);
      expect(n.code).toBe(1);
      expect(n.stderr).toMatch(new RegExp(`^error: domain ${vm.noAgentDomain} has no guest agent channel: add <channel type='unix'>`));
      const x = await guestctl(['interactive', '--domain', 'guestctl-no-such-domain', '--connect', vm.uri, '-c', 'info']);
      expect(x.stderr).toBe(`error: no domain named 'guestctl-no-such-domain' on ${vm.uri} (see: virsh list --all)\n`);
      // The URI may also come from LIBVIRT_DEFAULT_URI.
      const env = await guestctl(['interactive', '--domain', vm.domain, '-c', 'cat /etc/hostname'], { env: { LIBVIRT_DEFAULT_URI: vm.uri } });
      expect(env.stdout).toBe('deb12-fixture\n');
    });
  });
}
