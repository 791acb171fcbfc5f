import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cleanDesc, errnoFromText, fromGuestError, fromVirshError } from '../../src/agent/errors.js';
import { resolveUri, VirshTransport, VIRSH_MAX_REPLY, VIRSH_MAX_REQUEST } from '../../src/agent/virsh-transport.js';
import { AgentClient } from '../../src/agent/client.js';
import { norm } from '../../src/guest/agent-fs.js';
import { parseGuestStat } from '../../src/guest/agent-stat.js';
import { applyFacts } from '../../src/guest/agent-guest.js';
import { emptyOsInfo } from '../../src/inspect/os.js';

// The pure parts of the guest agent backend: virsh URI choice, error
// classification on real virsh/qemu-ga error texts, and the parsers of guest tool output.

const web = { label: 'domain web01', domain: 'web01' };

describe('virsh URI', () => {
  it('takes --connect, then LIBVIRT_URI, then LIBVIRT_DEFAULT_URI, then nothing (virsh default)', () => {
    const env = { LIBVIRT_URI: 'qemu:///session', LIBVIRT_DEFAULT_URI: 'qemu:///system' };
    expect(resolveUri('test:///default', env)).toBe('test:///default');
    expect(resolveUri(undefined, env)).toBe('qemu:///session');
    expect(resolveUri(undefined, { LIBVIRT_DEFAULT_URI: 'qemu:///system' })).toBe('qemu:///system');
    expect(resolveUri(undefined, {})).toBeUndefined();
    expect(new VirshTransport('d', { env: { LIBVIRT_DEFAULT_URI: 'qemu:///system' } }).target.label).toBe('domain d on qemu:///system');
  });

  it('plans chunks that fit the request and reply limits', () => {
    const c = new AgentClient(new VirshTransport('d', { env: {} }));
    const overhead = JSON.stringify({ execute: 'guest-file-write', arguments: { handle: 2 ** 40, 'buf-b64': '' } }).length;
    expect(Math.ceil(c.writeChunk / 3) * 4 + overhead).toBeLessThan(VIRSH_MAX_REQUEST);
    expect(Math.ceil(c.readChunk / 3) * 4 + 200).toBeLessThan(VIRSH_MAX_REPLY);
    expect(Math.ceil((2 * c.inlineOutput) / 3) * 4 + 200).toBeLessThan(VIRSH_MAX_REPLY);
  });
});

describe('virsh error classification (real error texts, LC_ALL=C)', () => {
  const cases: [string, string, RegExp][] = [
    ['error: argument unsupported: QEMU guest agent is not configured', 'no-channel', /^domain web01 has no guest agent channel: add <channel .*org\.qemu\.guest_agent\.0.*virsh edit web01/],
    ['error: Guest agent is not responding: QEMU guest agent is not connected', 'not-connected', /still booting, or qemu-guest-agent is not installed or not running/],
    ['error: Guest agent is not responding: Guest agent not available for now', 'timeout', /did not answer guest-exec within 30 s/],
    ['error: Guest agent is not responding: QEMU guest agent is not available due to an error', 'not-connected', /marked the guest agent of web01 as broken/],
    ['error: Requested operation is not valid: domain is not running', 'not-running', /^domain web01 is not running \(start it: virsh start web01\)$/],
    [
      "error: internal error: unable to execute QEMU agent command 'guest-exec': Command guest-exec has been disabled: the command is not allowed",
      'disabled',
      /refuses guest-exec: .*--block-rpcs.*BLOCK_RPCS/,
    ],
    [
      "error: internal error: unable to execute QEMU agent command 'guest-file-open': The command guest-file-open has been disabled for this instance",
      'disabled',
      /refuses guest-file-open/,
    ],
    [
      "error: internal error: unable to execute QEMU agent command 'guest-exec': Guest agent command failed, error was 'Failed to execute child process \u201c/does/not/exist\u201d (No such file or directory)'",
      'guest',
      /^guest agent: Failed to execute child process "\/does\/not\/exist" \(No such file or directory\)$/,
    ],
    [
      "error: internal error: unable to execute QEMU agent command 'guest-exec': The command guest-exec has not been found",
      'unknown-command',
      /does not know guest-exec/,
    ],
    ["error: failed to get domain 'web01'", 'no-domain', /^no domain named 'web01' \(see: virsh list --all\)$/],
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
      'libvirt',
      /^cannot connect to libvirt: Failed to connect socket to '\/var\/run\/libvirt\/libvirt-sock': No such file or directory$/,
    ],
    ['error: this function is not supported by the connection driver: virDomainQemuAgentCommand', 'libvirt', /does not support guest agent commands/],
    ['error: something new', 'libvirt', /^virsh: something new$/],
  ];
  it.each(cases)('%s', (stderr, kind, message) => {
    const err = fromVirshError(stderr + '\n', 'guest-exec', web, 30);
    expect(err.kind).toBe(kind);
    expect(err.message).toMatch(message);
  });

  it('qemu-ga JSON errors on the socket', () => {
    expect(fromGuestError('guest-exec', { class: 'CommandNotFound', desc: 'Command guest-exec has been disabled' }).kind).toBe('disabled');
    expect(fromGuestError('guest-x', { class: 'CommandNotFound', desc: 'The command guest-x has not been found' }).kind).toBe('unknown-command');
    const e = fromGuestError('guest-file-open', { class: 'GenericError', desc: "failed to open file '/x' (mode: 'r'): No such file or directory" });
    expect([e.kind, e.message]).toEqual(['guest', "guest agent: failed to open file '/x' (mode: 'r'): No such file or directory"]);
    expect(cleanDesc("Guest agent command failed, error was 'boom'")).toBe('boom');
  });

  it('errno from coreutils, busybox, dash and qemu-ga wording', () => {
    expect(errnoFromText("stat: cannot statx '/x': No such file or directory")).toBe('ENOENT');
    expect(errnoFromText('sh: 1: cannot create /a/b: Directory nonexistent')).toBe('ENOENT');
    expect(errnoFromText("mkdir: cannot create directory '/x': File exists")).toBe('EEXIST');
    expect(errnoFromText("rmdir: failed to remove '/x': Directory not empty")).toBe('ENOTEMPTY');
    expect(errnoFromText('failed to read file: Is a directory')).toBe('EISDIR');
    expect(errnoFromText('something else')).toBeNull();
  });
});

describe('real virsh (libvirt test:/// driver, no daemon)', () => {
  const virsh = spawnSync('virsh', ['--version']).error ? 'virsh is not installed (Debian package libvirt-clients)' : null;
  if (virsh) console.warn(`skipped: ${virsh}`);
  it.skipIf(virsh !== null)('classifies what virsh really prints', async () => {
    const t = new VirshTransport('test', { connect: 'test:///default' });
    const unsupported = await t.request('guest-ping').catch((e: unknown) => e);
    expect((unsupported as Error).message).toBe(
      'this libvirt connection does not support guest agent commands (this function is not supported by the connection driver: virDomainQemuAgentCommand)',
    );
    await t.close();
    const t2 = new VirshTransport('no-such-domain', { connect: 'test:///default' });
    const none = await t2.request('guest-ping').catch((e: unknown) => e);
    await t2.close();
    expect((none as Error).message).toBe("no domain named 'no-such-domain' on test:///default (see: virsh list --all)");
  });
});

describe('guest tool output parsers', () => {
  it('stat -c "%f %s %u %g %h %i %X %Y %Z"', () => {
    const st = parseGuestStat('/etc/x', { format: 'stat', line: '81a4 12 0 4 1 1234 1700000000 1700000001 1700000002', target: '' })!;
    expect([st.type, st.mode, st.size, st.uid, st.gid, st.nlink, st.inode, st.mtime.getTime()]).toEqual(['file', 0o644, 12, 0, 4, 1, 1234, 1700000001000]);
    expect(parseGuestStat('/l', { format: 'stat', line: 'a1ff 5 0 0 1 9 0 0 0', target: 'a.txt' })).toMatchObject({ type: 'symlink', mode: 0o777, symlinkTarget: 'a.txt' });
    expect(parseGuestStat('/d', { format: 'stat', line: '41ed 4096 0 0 2 3 0 0 0', target: '' })!.type).toBe('directory');
    expect(parseGuestStat('/b', { format: 'stat', line: '89ed 0 0 0 1 3 0 0 0', target: '' })!.mode).toBe(0o4755);
    expect(parseGuestStat('/x', { format: 'stat', line: 'garbage', target: '' })).toBeNull();
  });

  it('GNU find -printf fields', () => {
    const st = parseGuestStat('/d/f', { format: 'find', fields: ['f', '4750', '7', '1', '2', '1', '99', '1700000000.5', '1700000001.25', '1700000002', '', 'f'] })!;
    expect([st.type, st.mode, st.size, st.uid, st.gid, st.inode, st.mtime.getTime()]).toEqual(['file', 0o4750, 7, 1, 2, 99, 1700000001250]);
    expect(parseGuestStat('/d/l', { format: 'find', fields: ['l', '777', '3', '0', '0', '1', '5', '0', '0', '0', '../x', 'l'] })!.symlinkTarget).toBe('../x');
  });

  it('stat and find describing the same file give the same GuestStat', () => {
    const viaStat = parseGuestStat('/srv/s', { format: 'stat', line: 'c5ed 0 7 8 1 42 1700000000 1700000001 1700000002', target: '' });
    const viaFind = parseGuestStat('/srv/s', { format: 'find', fields: ['s', '2755', '0', '7', '8', '1', '42', '1700000000', '1700000001', '1700000002', '', 's'] });
    expect(viaStat).toEqual(viaFind);
    expect(viaStat).toMatchObject({ type: 'socket', mode: 0o2755, uid: 7, gid: 8, inode: 42 });
    const linkStat = parseGuestStat('/l', { format: 'stat', line: 'a1ff 3 0 0 1 5 0 0 0', target: '../x' });
    const linkFind = parseGuestStat('/l', { format: 'find', fields: ['l', '777', '3', '0', '0', '1', '5', '0', '0', '0', '../x', 'l'] });
    expect(linkStat).toEqual(linkFind);
    expect(parseGuestStat('/x', { format: 'find', fields: ['f', 'rwx', '1', '0', '0', '1', '1', '0', '0', '0', '', 'x'] })).toBeNull();
  });

  it('normalizes POSIX paths and passes Windows paths through', () => {
    expect(norm('etc//x/../y/')).toBe('/etc/y');
    expect(norm('/')).toBe('/');
    expect(norm('C:\\nps.xml')).toBe('C:\\nps.xml');
  });

  it('live facts: package manager, init system, kernels', () => {
    const os = emptyOsInfo(true);
    os.kernels = ['6.1.0-18-amd64'];
    applyFacts(os, 'pkg=deb\nmgr=apt-get\ninit=systemd\nkernel=vmlinuz-6.1.0-18-amd64\nkernel=vmlinuz-6.1.0-17-amd64\n');
    expect([os.packageFormat, os.packageManager, os.initSystem, os.kernels]).toEqual(['deb', 'apt', 'systemd', ['6.1.0-17-amd64', '6.1.0-18-amd64']]);
    const alpine = emptyOsInfo(true);
    applyFacts(alpine, 'pkg=apk\nmgr=apk\ninit=/bin/busybox\n');
    expect([alpine.packageFormat, alpine.packageManager, alpine.initSystem]).toEqual(['apk', 'apk', 'busybox']);
    const rhel = emptyOsInfo(true);
    applyFacts(rhel, 'pkg=rpm\nmgr=dnf5\ninit=systemd\n');
    expect(rhel.packageManager).toBe('dnf');
  });
});
