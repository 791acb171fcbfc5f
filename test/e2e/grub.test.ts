import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftovers, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// grub on copies of the Debian fixture, checked from outside the command: GRUB is installed by
// guestctl itself (the fixture has none), and a new process reads the generated grub.cfg, runs
// the guest's own grub-script-check in the jail, and compares /etc/default/grub line by line.

const dir = tempDir('guestctl-grub-');
const ROOT_UUID = '7007f5a1-2b3c-4d5e-8f60-718293a4b504';
const canary = `/tmp/guestctl-grub-canary-${process.pid}`;
const CANARY = 'GRUB_TIMEOUT=4242 # HOST CANARY\n';

beforeAll(() => {
  mkdirSync(canary, { recursive: true });
  writeFileSync(`${canary}/grub`, CANARY);
  writeFileSync(`${canary}/grub.cfg`, "menuentry 'HOST CANARY' {\n}\n");
});

afterAll(() => {
  expect(readFileSync(`${canary}/grub`, 'utf8')).toBe(CANARY);
  expect(readFileSync(`${canary}/grub.cfg`, 'utf8')).toBe("menuentry 'HOST CANARY' {\n}\n");
  rmSync(canary, { recursive: true, force: true });
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

const ok = (target: string, commands: string[], extra: string[] = []) =>
  shell(target, commands, extra).then((r) => (expect(r.code, `${commands.join(' ; ')}\n${r.stderr}`).toBe(0), r));
const cat = async (img: string, path: string) => (await ok(img, [`cat ${path}`], ['--ro'])).stdout;

describe('grub on the Debian 12 fixture', () => {
  it('grub show on the pristine fixture (no GRUB) says what it boots with', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await ok(img, ['grub show'], ['--json']);
    const shown = JSON.parse(r.stdout);
    expect(shown).toMatchObject({ loader: 'none', note: 'no boot loader configuration found: probably booted with a direct kernel', entries: [] });
    expect(shown.kernels.map((k: { path: string }) => k.path)).toEqual(['/boot/vmlinuz-6.1.0-50-amd64']);
    const update = await shell(img, ['grub update']);
    expect(update.code).not.toBe(0);
    expect(update.stderr).toMatch(/^error: this guest has no grub-mkconfig \(GRUB is not installed\): nothing to update$/m);
  });

  it('links to host files: grub show and grub set read and write only inside the guest', async () => {
    const img = await workCopy('debian', dir.path);
    await ok(img, ['mkdir -p /etc/default', 'mkdir -p /boot/grub', `symlink /../../../..${canary}/grub /etc/default/grub`, `symlink ../../../../..${canary}/grub.cfg /boot/grub/grub.cfg`]);
    const shown = await shell(img, ['grub show'], ['--json']);
    expect(shown.stdout).not.toContain('CANARY');
    expect(shown.stdout).not.toContain('4242');
    const set = await shell(img, ['grub set GRUB_TIMEOUT 1']);
    expect(set.code).not.toBe(0);
    expect(set.stderr).toMatch(/^error: this guest has no \/etc\/default\/grub/m);
  });

  describe('with grub-pc installed by guestctl', () => {
    let img: string;
    let defaultsBefore: string;
    beforeAll(async () => {
      img = await workCopy('debian', dir.path);
      await ok(img, ['install grub-pc']);
      defaultsBefore = await cat(img, '/etc/default/grub');
    }, 600_000);

    it('grub set --add-arg then grub update: linux lines carry the argument and root=UUID, grub-script-check passes', async () => {
      const set = await ok(img, ['grub set --add-arg console=ttyS0']);
      expect(set.stderr).toMatch(/run `grub update` to regenerate grub.cfg/);
      const update = await ok(img, ['grub update']);
      expect(update.stdout).toMatch(/^generated \/boot\/grub\/grub.cfg \(3 menu entries\), checked with grub-script-check$/m);
      expect(update.stderr).not.toMatch(/cannot find a GRUB drive/);

      const cfg = await cat(img, '/boot/grub/grub.cfg');
      const linux = cfg.split('\n').filter((l) => /^\s*linux\s/.test(l));
      expect(linux.length).toBe(3);
      for (const l of linux) {
        expect(l).toContain(`root=UUID=${ROOT_UUID}`);
        expect(l).toMatch(/ console=ttyS0( |$)/);
        expect(l).not.toMatch(/\/dev\/(loop|guestctl-)/);
      }
      expect(cfg).toContain('search --no-floppy --fs-uuid --set=root 0b007b00-7e2d-4f6a-8c1b-3a5d7e9f1b02');
      const check = await shell(img, ['run grub-script-check /boot/grub/grub.cfg'], ['--ro']);
      expect(check.code, check.stderr).toBe(0);
      const ls = await ok(img, ['ls -a /boot/grub'], ['--ro']);
      expect(ls.stdout).not.toContain('guestctl-new');

      const after = await cat(img, '/etc/default/grub');
      const [b, a] = [defaultsBefore.split('\n'), after.split('\n')];
      expect(a.length).toBe(b.length);
      expect(a.filter((l, i) => l !== b[i])).toEqual(['GRUB_CMDLINE_LINUX="console=ttyS0"']);
      expect(b.filter((l, i) => l !== a[i])).toEqual(['GRUB_CMDLINE_LINUX=""']);
    });

    it('grub show --json lists the menu entries, the kernel, and the default entry', async () => {
      const shown = JSON.parse((await ok(img, ['grub show'], ['--json', '--ro'])).stdout);
      expect(shown).toMatchObject({ loader: 'grub', config: '/boot/grub/grub.cfg', cmdline: 'console=ttyS0', cmdlineDefault: 'quiet', defaultEntry: 'Debian GNU/Linux' });
      expect(shown.entries.map((e: { path: string; title: string }) => `${e.path} ${e.title}`)).toEqual([
        '0 Debian GNU/Linux',
        '1>0 Debian GNU/Linux, with Linux 6.1.0-50-amd64',
        '1>1 Debian GNU/Linux, with Linux 6.1.0-50-amd64 (recovery mode)',
      ]);
      expect(shown.kernels).toEqual([{ version: '6.1.0-50-amd64', path: '/boot/vmlinuz-6.1.0-50-amd64', default: true }]);
    });
  });
});

