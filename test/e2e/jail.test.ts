// The jail against a hostile guest program: each escape technique runs as a guest program
// through `run` on a copy of the Debian fixture (its own sh, perl, mount, mknod), and is
// judged from the host: a canary directory unchanged, host settings unchanged, no host secret
// in the output.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir, waitFor, type CliResult } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { JAIL_CAPS } from '../../src/guest/jail-args.js';
import { openTarget } from '../../src/guest/open.js';
import { qemuGaAvailable, startQemuGa } from '../helpers/qemu-ga.js';

const dir = tempDir('guestctl-jail-');
const canary = join(dir.path, 'canary');
const secret = `host-secret-${randomBytes(8).toString('hex')}`;
let img = '';
let canaryBefore = '';

/** Every file under d with its content. */
function snapshot(d: string): string {
  return readdirSync(d, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => `${f}:${readFileSync(join(d, f)).toString('hex')}`)
    .join('\n');
}

/** `run ARGV` in a new guestctl process; the command line is quoted for the shell's parser. */
const run = (script: string, extra: string[] = []) => shell(img, [`run sh -c ${quote(script)}`], extra);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const noSecret = (r: CliResult) => expect(r.stdout + r.stderr).not.toContain(secret);

beforeAll(async () => {
  img = await workCopy('debian', dir.path);
  mkdirSync(canary);
  writeFileSync(join(canary, 'secret'), secret);
  canaryBefore = snapshot(canary);
});

afterAll(() => {
  expect(snapshot(canary)).toBe(canaryBefore);
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('the jail keeps guest programs in the guest', () => {
  it('/proc/1/root and /proc/1/fd lead to the jail, not the host', async () => {
    const r = await run(
      `readlink /proc/1/root; cat /proc/1/root${canary}/secret; cat /etc/shadow | cmp - /proc/1/root/etc/shadow && echo same-shadow; ls -l /proc/1/fd/ /proc/self/fd/`,
    );
    noSecret(r);
    expect(r.stdout.split('\n')[0]).toBe('/');
    expect(r.stderr).toMatch(/No such file or directory/);
    expect(r.stdout).toContain('same-shadow'); // pid 1's root is the guest's
    // Beyond stdin/stdout/stderr, nothing leads out: no pipe or socket to guestctl or the host.
    const extra = r.stdout.split('\n').filter((l) => / (\d+) -> /.test(l) && Number(/ (\d+) -> /.exec(l)![1]) > 2);
    expect(extra.filter((l) => /(pipe|socket):/.test(l))).toEqual([]);
  });

  it('the classic double-chroot escape stays inside (the host root is not in the namespace)', async () => {
    const perl = `mkdir "/tmp/x"; chroot "/tmp/x" or die "chroot: $!"; chdir ".." for 1..64; chroot "." or die "chroot2: $!";
      if (open(my $f, "<", "${canary}/secret")) { print "READ:", <$f>; } else { print "no host file: $!\\n"; }
      open(my $w, ">", "${canary}/escaped") and print "WROTE\\n";
      opendir(my $d, "/") or die; print join(" ", sort grep { !/^\\./ } readdir $d), "\\n";`;
    const r = await shell(img, [`run perl -e ${quote(perl)}`]);
    noSecret(r);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no host file: No such file or directory');
    expect(existsSync(join(canary, 'escaped'))).toBe(false);
    expect(r.stdout).toMatch(/\bbin\b.*\betc\b.*\bvar\b/); // the guest's root, after 64 times ".."
  });

  it('/proc/sys and /proc/sysrq-trigger cannot change the host kernel', async () => {
    const before = readFileSync('/proc/sys/vm/swappiness', 'utf8');
    const want = before.trim() === '7' ? '8' : '7';
    const r = await run(`echo ${want} > /proc/sys/vm/swappiness`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(readFileSync('/proc/sys/vm/swappiness', 'utf8')).toBe(before);
    const s = await run('echo h > /proc/sysrq-trigger');
    expect(s.code).not.toBe(0); // read-only where the kernel has it; proc refuses to create it where it does not
    const m = await run('grep -E " /proc/(sys|irq|bus) " /proc/mounts');
    for (const line of m.stdout.trim().split('\n')) expect(line.split(' ')[3]!.split(',')).toContain('ro');
    expect(m.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('keeps only the listed capabilities, with no_new_privs, in a new session', async () => {
    const r = await run('grep -E "^(CapEff|CapPrm|NoNewPrivs)" /proc/self/status; cut -d" " -f6 /proc/$$/stat; echo $$');
    expect(r.code, r.stderr).toBe(0);
    const caps: Record<string, number> = { CAP_CHOWN: 0, CAP_DAC_OVERRIDE: 1, CAP_FOWNER: 3, CAP_FSETID: 4, CAP_KILL: 5, CAP_SETGID: 6, CAP_SETUID: 7, CAP_NET_BIND_SERVICE: 10, CAP_SYS_CHROOT: 18, CAP_AUDIT_WRITE: 29, CAP_SETFCAP: 31 };
    const mask = JAIL_CAPS.reduce((m, c) => m | (1n << BigInt(caps[c]!)), 0n).toString(16).padStart(16, '0');
    // grep is a program exec'd by an exec'd program: with no_new_privs the kernel never gives
    // an exec more than its caller had, whatever the bounding set (bwrap as root keeps it).
    expect(r.stdout).toContain(`CapEff:\t${mask}`);
    expect(r.stdout).toContain(`CapPrm:\t${mask}`);
    expect(r.stdout).toContain('NoNewPrivs:\t1');
    // A session made in the jail (a session from outside the pid namespace shows as 0): no
    // controlling terminal to push keystrokes into.
    const [sid] = r.stdout.trim().split('\n').slice(-2);
    expect(Number(sid)).toBeGreaterThan(0);
  });

  it('cannot make device nodes, mount, or load modules', async () => {
    const loop = execFileSync('losetup', ['-f'], { encoding: 'utf8' }).trim();
    const r = await run(`mknod /tmp/hostdisk b 7 0; mount -t ext4 ${loop} /mnt; mount -t tmpfs x /mnt; ls /dev; modprobe -n dummy; echo end`);
    expect(r.stderr).toMatch(/mknod: .*Operation not permitted/);
    expect(r.stderr).toMatch(/mount: .*(permission denied|must be superuser|Operation not permitted)/i);
    expect(r.stdout.split(/\s+/)).not.toContain(loop.replace('/dev/', ''));
    expect(r.stdout.split(/\s+/)).not.toContain('vda');
  });

  it('cannot reach host processes (no signal, no ptrace) or host UNIX sockets', async () => {
    const host: ChildProcess = spawn('sleep', ['1000'], { stdio: 'ignore' });
    const abstract = `guestctl-jail-${randomBytes(4).toString('hex')}`;
    const pathSock = join(dir.path, 'host.sock');
    let connections = 0;
    const servers = [net.createServer(() => connections++).listen(`\0${abstract}`), net.createServer(() => connections++).listen(pathSock)];
    try {
      const pid = host.pid!;
      const perl = `use Socket; my $r = syscall(101, 16, ${pid}, 0, 0); print "ptrace=$r errno=", $!+0, "\\n";
        print kill(0, ${pid}) ? "signalled\\n" : "no signal\\n";
        for my $a ("\\0${abstract}", "${pathSock}") { socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die; print connect($s, pack_sockaddr_un($a)) ? "connected\\n" : "refused: $!\\n"; }`;
      const r = await shell(img, [`run perl -e ${quote(perl)}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^ptrace=-1 errno=3\n/); // ESRCH: the host's pids do not exist in the jail
      expect(r.stdout).toContain('no signal');
      expect(r.stdout).not.toContain('connected');
      expect(r.stdout.match(/refused: /g)).toHaveLength(2);
      expect(connections).toBe(0);
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/TracerPid:\t0\n/);
    } finally {
      host.kill();
      for (const s of servers) s.close();
    }
  });

  it('with network, has only a network of its own: no host abstract socket, no host loopback', async () => {
    const abstract = `guestctl-jail-net-${randomBytes(4).toString('hex')}`;
    let connections = 0;
    const server = net.createServer(() => connections++).listen(`\0${abstract}`);
    const tcp = net.createServer(() => connections++).listen(0, '127.0.0.1');
    await new Promise((res) => tcp.once('listening', res));
    const port = (tcp.address() as net.AddressInfo).port;
    const guest = await openTarget(img, { readOnly: false });
    try {
      const perl = `use Socket; use IO::Socket::INET; socket(my $s, AF_UNIX, SOCK_STREAM, 0) or die;
        print connect($s, pack_sockaddr_un("\\0${abstract}")) ? "unix connected\\n" : "unix refused\\n";
        for my $h ("127.0.0.1", "10.0.2.2") { print IO::Socket::INET->new(PeerAddr => $h, PeerPort => ${port}, Timeout => 3) ? "tcp $h connected\\n" : "tcp $h refused\\n"; }`;
      const r = await guest.exec(['perl', '-e', perl], { network: true });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('unix refused\ntcp 127.0.0.1 refused\ntcp 10.0.2.2 refused\n');
      expect(connections).toBe(0);
    } finally {
      await guest.close();
      server.close();
      tcp.close();
    }
  });
});

describe('read-only sessions and what the jail writes', () => {
  it('`run` on a --ro session runs on a read-only view', async () => {
    const r = await run('touch /etc/guestctl-ro-test', ['--ro']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    const tree = join(dir.path, 'tree');
    mkdirSync(join(tree, 'etc'), { recursive: true });
    mkdirSync(join(tree, 'bin'));
    execFileSync('cp', ['/bin/busybox', join(tree, 'bin/sh')]);
    const d = await shell(tree, ["run sh -c 'echo x > /etc/new'"], ['--ro']);
    expect(d.code).not.toBe(0);
    expect(existsSync(join(tree, 'etc/new'))).toBe(false);
    expect(existsSync(join(tree, 'usr/sbin/policy-rc.d'))).toBe(false);
  });

  it.skipIf(qemuGaAvailable() !== null)('`run` is refused on a --ro session of a running guest (the agent runs it with full rights)', async () => {
    const qga = await startQemuGa(dir.path);
    try {
      const marker = join(dir.path, 'live-ro-marker');
      const r = await guestctl(['interactive', '--agent-socket', qga.socket, '--ro', '-c', `run touch ${marker}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: run: refused on a read-only session of a running VM/m);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await qga.stop();
    }
  });

  it('a SIGKILL during `run` leaves policy-rc.d recorded, and `guestctl cleanup` removes it', async () => {
    const stateDir = join(dir.path, 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    const env = { ...process.env, ...sessionEnv(img), GUESTCTL_STATE_DIR: stateDir, NO_COLOR: '1', GUESTCTL_HISTORY: '/dev/null' };
    const child = spawn(process.execPath, ['bin/guestctl.js', 'interactive', img, '-c', 'run sleep 100918'], { stdio: 'ignore', env });
    const recorded = () => readdirSync(stateDir).some((f) => f.endsWith('.json') && readFileSync(join(stateDir, f), 'utf8').includes('policy-rc.d'));
    // the program itself, not bwrap (whose own argv ends with it) still setting the jail up
    await waitFor(() => recorded() && execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some((l) => l.trim() === 'sleep 100918'));
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    const c = await guestctl(['cleanup'], { env: { ...sessionEnv(img), GUESTCTL_STATE_DIR: stateDir } });
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('created file');
    // the jail's processes die with guestctl, a moment after it (parent-death signal)
    await waitFor(() => leftovers(dir.path).length === 0, 5_000).catch(() => undefined); // the assertion below names what is left
    expect(leftovers(dir.path)).toEqual([]);
    const after = await shell(img, ['run test ! -e /usr/sbin/policy-rc.d'], ['--ro']);
    expect(after.code, after.stderr).toBe(0);
  });
});
