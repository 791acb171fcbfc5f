import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, tempDir, type CliResult } from '../helpers/cli.js';
import { agentCommand, agentExec, type LiveVm } from '../helpers/live-vm.js';

// `guestctl edit --domain NAME GUEST_PATH [--local PATH]` on the running guest. The result
// is read back through a separate agent call (guest-file-read by plain virsh), byte for byte.

/** The guest file's exact bytes, read by plain virsh qemu-agent-command guest-file-*. */
async function guestBytes(vm: LiveVm, path: string): Promise<Buffer> {
  const h = (await agentCommand(vm, 'guest-file-open', { path, mode: 'r' })) as number;
  try {
    const r = (await agentCommand(vm, 'guest-file-read', { handle: h, count: 1 << 20 })) as { 'buf-b64': string };
    return Buffer.from(r['buf-b64'], 'base64');
  } finally {
    await agentCommand(vm, 'guest-file-close', { handle: h });
  }
}

async function guestStat(vm: LiveVm, path: string): Promise<string> {
  return (await agentExec(vm, ['stat', '-c', '%a %U %i', path])).stdout.trim();
}


export function liveEditTests(getVm: () => LiveVm): void {
  describe('guestctl edit --domain: $EDITOR on a file of the running guest', () => {
    let vm: LiveVm;
    const base = `/root/guestctl-edit-${process.pid}`;
    let host: { path: string; cleanup(): void };
    /** guestctl's private host copies: under TMPDIR, which is this test's dir. */
    const editTemps = () => readdirSync(host.path).filter((n) => n.startsWith('guestctl-edit-'));
    const tempsBefore: string[] = [];
    const script = (name: string, body: string) => {
      const p = join(host.path, name);
      writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return p;
    };
    const edit = (args: string[], editor: string): Promise<CliResult> =>
      guestctl(['edit', '--domain', vm.domain, '--connect', vm.uri, ...args], { env: { EDITOR: editor, VISUAL: '', TMPDIR: host.path } });

    beforeAll(async () => {
      vm = getVm();
      host = tempDir('guestctl-live-edit-');
      await agentExec(vm, ['sh', '-c', `mkdir -p ${base} && printf 'port=22\\nroot=no\\n' > ${base}/app.conf && chmod 0640 ${base}/app.conf && chown messagebus ${base}/app.conf`]);
    });
    afterAll(async () => {
      await agentExec(vm, ['chattr', '-i', `${base}/app.conf`]);
      await agentExec(vm, ['rm', '-rf', base]);
      host.cleanup();
    });

    it('downloads, runs the editor, shows the diff, uploads atomically keeping owner and mode', async () => {
      const before = await guestStat(vm, `${base}/app.conf`);
      const r = await edit([`${base}/app.conf`], script('ed1.sh', 'sed -i s/root=no/root=prohibit-password/ "$1"'));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        [`--- ${base}/app.conf`, `+++ ${base}/app.conf`, '@@ -1,2 +1,2 @@', ' port=22', '-root=no', '+root=prohibit-password', `wrote ${base}/app.conf`, ''].join('\n'),
      );
      expect((await guestBytes(vm, `${base}/app.conf`)).toString()).toBe('port=22\nroot=prohibit-password\n');
      const after = await guestStat(vm, `${base}/app.conf`);
      expect(after.split(' ').slice(0, 2)).toEqual(['640', 'messagebus']);
      expect(after.split(' ')[2]).not.toBe(before.split(' ')[2]); // a new inode: renamed into place
      expect(editTemps()).toEqual(tempsBefore);
    });

    it('an unchanged file is not uploaded (same inode); a failing editor writes nothing', async () => {
      const before = await guestStat(vm, `${base}/app.conf`);
      const same = await edit([`${base}/app.conf`], script('ed-touch.sh', 'touch "$1"'));
      expect([same.code, same.stdout]).toEqual([0, `no changes: ${base}/app.conf left as it was\n`]);
      const bad = await edit([`${base}/app.conf`], script('ed-bad.sh', 'echo junk >> "$1"; exit 4'));
      expect([bad.code, bad.stderr]).toEqual([1, `error: the editor (ed-bad.sh) exited with status 4: nothing written to ${base}/app.conf\n`]);
      expect(await guestStat(vm, `${base}/app.conf`)).toBe(before);
    });

    it('CRLF line endings and non-UTF-8 bytes survive byte for byte', async () => {
      const original = Buffer.concat([Buffer.from('[Server]\r\nPort=1812\r\nName=caf'), Buffer.from([0xe9]), Buffer.from('\r\n')]);
      await agentCommand(vm, 'guest-file-open', { path: `${base}/win.ini`, mode: 'w' }).then(async (h: number) => {
        await agentCommand(vm, 'guest-file-write', { handle: h, 'buf-b64': original.toString('base64') });
        await agentCommand(vm, 'guest-file-close', { handle: h });
      });
      const r = await edit([`${base}/win.ini`], script('ed-crlf.sh', 'sed -i s/1812/1645/ "$1"'));
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`binary content changed: ${original.length} → ${original.length} bytes\nwrote ${base}/win.ini\n`);
      const back = await guestBytes(vm, `${base}/win.ini`);
      expect(back.equals(Buffer.from(original.toString('latin1').replace('1812', '1645'), 'latin1'))).toBe(true);
    });

    it('--local PATH keeps the edited copy on the host; an existing PATH is refused', async () => {
      const local = join(host.path, 'app.conf.local');
      const r = await edit([`${base}/app.conf`, '--local', local], script('ed2.sh', 'sed -i s/port=22/port=2222/ "$1"'));
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n').pop()).toBe(`wrote ${base}/app.conf (local copy: ${local})`);
      expect(readFileSync(local, 'utf8')).toBe('port=2222\nroot=prohibit-password\n');
      expect((await guestBytes(vm, `${base}/app.conf`)).toString()).toBe('port=2222\nroot=prohibit-password\n');
      const again = await edit([`${base}/app.conf`, '--local', local], script('ed-never.sh', 'exit 9'));
      expect([again.code, again.stderr]).toEqual([1, `error: ${local} already exists on the host: --local needs a new file name\n`]);
    });

    it('the guest changed the file while the editor was open: not written, the edit is kept', async () => {
      // The "editor" changes the guest file behind guestctl's back (through its own virsh call).
      const behind = JSON.stringify({ execute: 'guest-exec', arguments: { path: '/bin/sh', arg: ['-c', `echo extra=1 >> ${base}/app.conf`] } });
      const ed = script('ed-race.sh', `virsh --connect '${vm.uri}' qemu-agent-command '${vm.domain}' '${behind}' >/dev/null\nsleep 1\nsed -i s/port=2222/port=3333/ "$1"`);
      const r = await edit([`${base}/app.conf`], ed);
      expect(r.code).toBe(1);
      const m = new RegExp(`^error: ${base}/app\\.conf changed in the guest while it was being edited: not written \\(your version is kept at (\\S+)\\)\\n$`).exec(r.stderr);
      expect(m).not.toBeNull();
      expect(readFileSync(m![1]!, 'utf8')).toBe('port=3333\nroot=prohibit-password\n');
      rmSync(join(m![1]!, '..'), { recursive: true });
      expect((await guestBytes(vm, `${base}/app.conf`)).toString()).toBe('port=2222\nroot=prohibit-password\nextra=1\n');
    });

    it('an upload that fails (immutable file) leaves the original in place and no temp file in the guest', async () => {
      expect((await agentExec(vm, ['chattr', '+i', `${base}/app.conf`])).code).toBe(0);
      const before = await guestBytes(vm, `${base}/app.conf`);
      const r = await edit([`${base}/app.conf`], script('ed3.sh', 'sed -i s/extra=1/extra=2/ "$1"'));
      expect(r.code).toBe(1);
      const m = /^error: .*: \/root\/guestctl-edit-\d+\/app\.conf was not changed \(your version is kept at (\S+)\)$/m.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(readFileSync(m![1]!, 'utf8')).toContain('extra=2');
      rmSync(join(m![1]!, '..'), { recursive: true });
      expect((await guestBytes(vm, `${base}/app.conf`)).equals(before)).toBe(true);
      expect((await agentExec(vm, ['ls', '-A', base])).stdout.split('\n').filter(Boolean).sort()).toEqual(['app.conf', 'win.ini']);
      await agentExec(vm, ['chattr', '-i', `${base}/app.conf`]);
      expect(editTemps()).toEqual(tempsBefore);
    });

    it('usage errors name what is missing', async () => {
      const none = await guestctl(['edit', '/etc/motd']);
      expect([none.code, none.stderr]).toEqual([2, 'error: guestctl edit needs a running guest: guestctl edit --domain NAME [--connect URI] GUEST_PATH [--local PATH] [--backup] [--json]\n']);
      const rel = await guestctl(['edit', '--domain', vm.domain, 'etc/motd']);
      expect(rel.stderr).toBe("error: GUEST_PATH must be absolute (/etc/fstab, or C:\\path on Windows): 'etc/motd'\n");
      const noagent = await guestctl(['edit', '--domain', vm.noAgentDomain, '--connect', vm.uri, '/etc/motd'], { env: { EDITOR: 'true' } });
      expect(noagent.stderr).toMatch(/^error: domain \S+ has no guest agent channel/);
      expect(existsSync(join(host.path, 'never'))).toBe(false);
    });
  });
}
