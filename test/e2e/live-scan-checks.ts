import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BIN, guestctl } from '../helpers/cli.js';
import { agentCommand, agentExec, virsh } from '../helpers/live-vm.js';
import { guestAddresses, parseDomblklist, parseDominfo, type GuestInterface } from '../../src/libvirt/parse.js';

// Checks of `guestctl scan` and `guestctl iso` on the live suite's real qemu domains, called
// from test/e2e/live.test.ts once the VM answers guest-ping:
//
//   it('scan: table, JSON, metrics; a domain without agent', () => checkScanLive(live), 240_000);
//   it('iso: insert/eject, the guest sees the medium; a locked tray', () => checkIsoLive(live), 600_000);
//
// with live = { domain, uri, noAgentDomain }. Everything guestctl reports is compared with
// what libvirt and the guest say through separate paths: `virsh dominfo`, `virsh domblklist`,
// `virsh dumpxml --inactive`, and raw `virsh qemu-agent-command` calls (guest-file-read,
// guest-exec of blkid/mount in the guest).

export interface LiveScanTarget {
  domain: string;
  uri: string;
  /** A running domain without a guest agent channel. */
  noAgentDomain: string;
}

/** The guest's /etc/os-release PRETTY_NAME, read with raw guest-file-* calls. */
async function guestPrettyName(t: LiveScanTarget): Promise<string> {
  const handle = (await agentCommand(t, 'guest-file-open', { path: '/etc/os-release', mode: 'r' })) as number;
  try {
    const r = (await agentCommand(t, 'guest-file-read', { handle, count: 65536 })) as { 'buf-b64': string };
    const text = Buffer.from(r['buf-b64'], 'base64').toString('utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)![1]!;
  } finally {
    await agentCommand(t, 'guest-file-close', { handle });
  }
}

export async function checkScanLive(t: LiveScanTarget): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-live-scan-'));
  const env = { XDG_CACHE_HOME: join(dir, 'cache') };
  try {
    const timeoutS = 20;
    const t0 = Date.now();
    const json = await guestctl(['scan', '--connect', t.uri, '--json', '--timeout', String(timeoutS), '--cache-ttl', '0'], { env, timeoutMs: 180_000 });
    const took = (Date.now() - t0) / 1000;
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Record<string, any>[];
    const vm = rows.find((r) => r.name === t.domain)!;
    const bare = rows.find((r) => r.name === t.noAgentDomain)!;

    // The agent's answers, against the guest's own file and libvirt's own agent call.
    expect(vm).toMatchObject({ state: 'running', stateCode: 1, agent: 'up', os: await guestPrettyName(t), osSource: 'guest-get-osinfo' });
    expect(vm.os).toMatch(/^Debian GNU\/Linux 12/);
    const ifaces = (await agentCommand(t, 'guest-network-get-interfaces')) as GuestInterface[];
    expect(vm.addresses).toEqual(guestAddresses(ifaces));
    expect(vm.addresses.length).toBeGreaterThan(0);
    const domifaddr = virsh(['domifaddr', '--domain', t.domain, '--source', 'agent'], t.uri);
    for (const a of vm.addresses as string[]) expect(domifaddr.stdout).toContain(a);

    // libvirt's figures, against virsh dominfo.
    const info = parseDominfo(virsh(['dominfo', '--domain', t.domain], t.uri).stdout);
    expect(vm).toMatchObject({ memoryUsedKiB: info.usedMemoryKiB, memoryMaxKiB: info.maxMemoryKiB, vcpus: info.vcpus });
    expect(vm.cpuSeconds).toBeGreaterThan(0);
    expect(vm.cpuSeconds).toBeLessThanOrEqual(info.cpuTimeNs! / 1e9 + 0.2);

    // No agent channel: known quickly, well within the per-probe timeout.
    expect(bare).toMatchObject({ state: 'running', agent: 'none', os: null, addresses: [] });
    expect(bare.agentNote).toMatch(/has no guest agent channel/);
    expect(took).toBeLessThan(timeoutS);

    // The table says the same in words.
    const table = await guestctl(['scan', '--connect', t.uri, '--timeout', String(timeoutS), '--cache-ttl', '0'], { env, timeoutMs: 180_000 });
    expect(table.code).toBe(0);
    const line = (name: string) => table.stdout.split('\n').find((l) => l.startsWith(`${name} `))!;
    expect(line(t.domain)).toContain(vm.os);
    expect(line(t.domain)).toContain(vm.addresses[0]);
    expect(line(t.domain)).toMatch(/ running +Debian.* +1\.0 GiB \/ 1\.0 GiB +1 +(\d+[dhm] )*\d+s +/);
    expect(line(t.noAgentDomain)).toMatch(/ running +unknown \(no agent\) /);

    // The exporter on the live host.
    const metrics = await scrapeOnce(['scan', '--connect', t.uri, '--timeout', String(timeoutS), '--serve', '127.0.0.1:0'], env);
    expect(metrics).toContain(`guestctl_domain_agent_up{host="localhost",domain="${t.domain}"} 1\n`);
    expect(metrics).toContain(`guestctl_domain_agent_up{host="localhost",domain="${t.noAgentDomain}"} 0\n`);
    expect(metrics).toContain(`guestctl_domain_state{host="localhost",domain="${t.domain}",state="running"} 1\n`);
    expect(metrics).toContain(`guestctl_domain_memory_max_bytes{host="localhost",domain="${t.domain}"} ${info.maxMemoryKiB! * 1024}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Start `guestctl … --serve`, fetch /metrics once, stop it with SIGTERM (it must exit 0). */
async function scrapeOnce(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const end = Date.now() + 30_000;
    let url: string | undefined;
    while (!(url = /on (http:\/\/\S+)\/metrics/.exec(stderr)?.[1])) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`guestctl --serve did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    return await res.text();
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}

/** blkid of the guest's CD-ROM, through raw guest-exec (empty when there is no medium). */
async function guestBlkid(t: LiveScanTarget, dev: string): Promise<string> {
  const r = await agentExec(t, ['/sbin/blkid', '-o', 'export', dev]);
  return r.code === 0 ? r.stdout : '';
}

async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function cdromSource(t: LiveScanTarget, inactive = false): string | null {
  const drives = parseDomblklist(virsh(['domblklist', '--domain', t.domain, '--details', ...(inactive ? ['--inactive'] : [])], t.uri).stdout);
  return drives.find((d) => d.device === 'cdrom')!.source;
}

export async function checkIsoLive(t: LiveScanTarget): Promise<void> {
  // The ISO lives where QEMU (user libvirt-qemu) can read it.
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-live-iso-'));
  chmodSync(dir, 0o755);
  const iso = join(dir, 'guestctl-test.iso');
  const content = join(dir, 'content');
  mkdirSync(content);
  writeFileSync(join(content, 'HELLO.TXT'), 'hello from the host\n');
  execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-R', '-J', '-V', 'GUESTCTL_TEST', '-o', iso, content], { stdio: 'pipe' });
  chmodSync(iso, 0o644);
  const run = (args: string[]) => guestctl(['iso', ...args, '--connect', t.uri], { timeoutMs: 180_000 });
  try {
    const list = await run(['list', '--domain', t.domain, '--json']);
    expect(list.code).toBe(0);
    const [drive] = JSON.parse(list.stdout) as { target: string; source: string | null }[];
    expect(drive).toMatchObject({ source: null });

    // Insert: live and persistent; the guest sees an iso9660 medium with our label.
    const ins = await run(['insert', '--domain', t.domain, iso]);
    expect([ins.code, ins.stderr]).toEqual([0, '']);
    expect(ins.stdout).toBe(`inserted ${iso} into ${drive!.target} of ${t.domain} (live and persistent)\n`);
    expect(cdromSource(t)).toBe(iso);
    expect(cdromSource(t, true)).toBe(iso);
    const seen = await waitFor('the guest to see the medium', () => guestBlkid(t, '/dev/sr0'), (s) => /LABEL=GUESTCTL_TEST/.test(s));
    expect(seen).toMatch(/^TYPE=iso9660$/m);

    // The guest mounts it: Linux locks the tray. Debian's udev would answer QEMU's eject
    // request (cdrom_id --eject-media unlocks and opens it); with udev's queue stopped nobody
    // in the guest does, as in a guest without udev. Eject without --force: libvirt waits for
    // the tray, gives up, and the error names --force; the medium stays.
    const mnt = await agentExec(t, [
      '/bin/sh',
      '-c',
      'mkdir -p /mnt/guestctl-cd && mount -o ro /dev/sr0 /mnt/guestctl-cd && cat /mnt/guestctl-cd/HELLO.TXT && udevadm control --stop-exec-queue',
    ]);
    expect([mnt.code, mnt.stdout]).toEqual([0, 'hello from the host\n']);
    const locked = await run(['eject', '--domain', t.domain]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toBe(`error: the guest keeps the CD-ROM tray of ${t.domain} (${drive!.target}) locked: retry with --force to change the medium anyway\n`);
    expect(cdromSource(t, true)).toBe(iso);

    // --force: ejected live and in the definition; the guest no longer reads a medium.
    const forced = await run(['eject', '--domain', t.domain, '--force']);
    expect([forced.code, forced.stderr]).toEqual([0, '']);
    expect(forced.stdout).toBe(`ejected ${iso} from ${drive!.target} of ${t.domain} (live and persistent)\n`);
    await agentExec(t, ['/bin/sh', '-c', 'udevadm control --start-exec-queue; umount -l /mnt/guestctl-cd']);
    expect(cdromSource(t)).toBeNull();
    expect(cdromSource(t, true)).toBeNull();
    await waitFor('the medium to be gone in the guest', () => guestBlkid(t, '/dev/sr0'), (s) => s === '');

    // Insert again and eject while unmounted: no --force needed.
    expect((await run(['insert', '--domain', t.domain, iso])).code).toBe(0);
    await waitFor('the guest to see the medium again', () => guestBlkid(t, '/dev/sr0'), (s) => /LABEL=GUESTCTL_TEST/.test(s));
    const ej = await run(['eject', '--domain', t.domain]);
    expect([ej.code, ej.stderr]).toEqual([0, '']);
    expect(cdromSource(t)).toBeNull();
  } finally {
    // Leave the drive empty whatever happened above.
    await agentExec(t, ['/bin/sh', '-c', 'udevadm control --start-exec-queue; umount -l /mnt/guestctl-cd 2>/dev/null; exit 0']).catch(() => undefined);
    if (cdromSource(t) !== null || cdromSource(t, true) !== null)
      virsh(['change-media', '--domain', t.domain, '--path', 'hdc', '--eject', '--live', '--config', '--force'], t.uri);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The no-argument menu on a pty (util-linux `script`) against the live host
 * (LIBVIRT_DEFAULT_URI): Open a VM shell runs the live REPL and comes back to the menu,
 * Edit a file in a VM runs the edit flow with $EDITOR (a script that appends a line; a
 * confirmation, if the flow asks one, is answered yes), Exit ends with status 0. The file
 * is checked in the guest with a raw guest-exec `cat`.
 */
export async function checkMenuLive(t: LiveScanTarget): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-live-menu-'));
  const editor = join(dir, 'editor.sh');
  writeFileSync(editor, '#!/bin/sh\necho "edited via the menu" >> "$1"\n', { mode: 0o755 });
  const file = '/root/guestctl-menu-edit.txt';
  expect((await agentExec(t, ['/bin/sh', '-c', `printf 'before\\n' > ${file}`])).code).toBe(0);
  const running = virsh(['list', '--name'], t.uri).stdout.split('\n').filter(Boolean);
  const DOWN = '\x1b[B';
  const child = spawn('script', ['-qfec', `stty rows 40 cols 160; exec ${process.execPath} ${BIN}`, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm', LIBVIRT_DEFAULT_URI: t.uri, LIBVIRT_URI: '', VISUAL: editor, EDITOR: editor, XDG_CACHE_HOME: join(dir, 'cache'), GUESTCTL_HISTORY: '/dev/null' },
  });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (re: RegExp, from: number, ms = 120_000) => {
    const end = Date.now() + ms;
    while (!re.test(screen.slice(from))) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`menu: waiting for ${re}; screen: ${JSON.stringify(screen.slice(from))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const keys = async (k: string) => {
    child.stdin.write(k);
    await new Promise((r) => setTimeout(r, 200));
  };
  // A key typed in the instant between two enquirer prompts (one closing, the next starting to
  // listen) is sometimes lost here (about one run in five on a fresh machine, seen before and
  // after issue 14): a person would press Enter again, and so does the test when nothing moved.
  const enter = async (done: RegExp, from: number) => {
    for (let tries = 0; ; tries++) {
      await keys('\r');
      const end = Date.now() + 5_000;
      while (!done.test(screen.slice(from)) && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      if (done.test(screen.slice(from)) || tries === 2) return;
    }
  };
  const pick = async (n: number, from: number) => {
    await waitFor(/what do you want to do\?[\s\S]*Exit/, from);
    const mark = screen.length;
    await keys(DOWN.repeat(n));
    await keys('\r');
    return mark;
  };
  try {
    // Open a VM shell: the live REPL, one command, exit: back to the menu.
    let mark = await pick(1, 0);
    await waitFor(new RegExp(`Open a shell in which VM\\?[\\s\\S]*${t.domain}`), mark);
    await keys(DOWN.repeat(running.indexOf(t.domain)) + '\r');
    await waitFor(/:\/> /, mark);
    const hostname = ((await agentCommand(t, 'guest-get-host-name')) as { 'host-name': string })['host-name'];
    let at = screen.length;
    await keys('cat /etc/hostname\r');
    await waitFor(new RegExp(`${hostname}\\r?\\n[\\s\\S]*:\\/> `), at);
    at = screen.length;
    await keys('exit\r');
    // Edit a file in a VM: domain, path, $EDITOR; the change lands in the guest.
    mark = await pick(2, at);
    await waitFor(new RegExp(`Edit a file in which VM\\?[\\s\\S]*${t.domain}`), mark);
    await keys(DOWN.repeat(running.indexOf(t.domain)) + '\r');
    await waitFor(/Path of the file in the guest/, mark);
    const typed = screen.length;
    await keys(file);
    await waitFor(new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), typed);
    await enter(/✔[^\n]*Path of the file in the guest/, typed);
    mark = screen.length;
    const end = Date.now() + 120_000;
    let answered = 0;
    let lastKey = Date.now();
    while (!/what do you want to do\?[\s\S]*Exit/.test(screen.slice(mark))) {
      // A confirmation ("write /path? (Y/n)"): yes, once per question.
      const asked = (screen.slice(mark).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').match(/\? [^\n]*\((?:Y\/n|y\/N)\)/g) ?? []).length;
      if (asked > answered) {
        answered = asked;
        lastKey = Date.now();
        await keys('y\r');
      } else if (Date.now() - lastKey > 5_000 && /\((?:Y\/n|y\/N)\)[^\n]*$/.test(screen.slice(mark).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trimEnd())) {
        // Still at the same question with nothing new: the answer was lost between prompts (see enter()).
        lastKey = Date.now();
        await keys('y\r');
      }
      if (Date.now() > end || child.exitCode !== null) throw new Error(`menu: the edit did not come back: ${JSON.stringify(screen.slice(mark))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(screen.slice(mark)).not.toMatch(/error:/);
    const cat = await agentExec(t, ['/bin/cat', file]);
    expect(cat.stdout).toBe('before\nedited via the menu\n');
    // Exit.
    await pick(4, screen.lastIndexOf('what do you want to do?') - 1);
    expect(await exited).toBe(0);
  } finally {
    child.kill();
    await agentExec(t, ['/bin/rm', '-f', file]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
