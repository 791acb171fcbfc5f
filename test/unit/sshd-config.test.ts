import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSshdLine, splitArgs } from '../../src/parsers/sshd-config.js';
import type { LoadedSshdConfig } from '../../src/parsers/sshd-config-model.js';
import { expandGlob, loadSshdConfig, type ConfigReader } from '../../src/ssh/load-sshd-config.js';
import { effectiveSettings, effectiveValues, matchOccurrences } from '../../src/parsers/sshd-config-queries.js';
import { setSshdOption, unsetSshdOption, SshdConfigError } from '../../src/parsers/sshd-config-editor.js';

const SAMPLES = new URL('./samples/ssh/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, SAMPLES), 'utf8');
const DEBIAN = sample('debian12-sshd_config');
const RHEL = sample('rhel9-sshd_config');
const RHEL_DROPIN = sample('rhel9-50-redhat.conf');
const RHEL_CRYPTO = sample('rhel9-opensshserver.config');

/** An in-memory guest: path → file text. Directories are implied by the paths. */
function reader(files: Record<string, string>): ConfigReader {
  return {
    async read(path) {
      return files[path] ?? null;
    },
    async list(dir) {
      const prefix = dir === '/' ? '/' : `${dir}/`;
      const names = new Map<string, boolean>();
      for (const p of Object.keys(files)) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length).split('/');
        names.set(rest[0]!, rest.length > 1 || names.get(rest[0]!) === true);
      }
      return names.size > 0 ? [...names].map(([name, d]) => ({ name, dir: d })) : null;
    },
  };
}

async function load(files: Record<string, string>): Promise<LoadedSshdConfig> {
  return (await loadSshdConfig(reader(files)))!;
}

const debianFiles = (extra: Record<string, string> = {}) => ({ '/etc/ssh/sshd_config': DEBIAN, ...extra });
const rhelFiles = (extra: Record<string, string> = {}) => ({
  '/etc/ssh/sshd_config': RHEL,
  '/etc/ssh/sshd_config.d/50-redhat.conf': RHEL_DROPIN,
  '/etc/crypto-policies/back-ends/opensshserver.config': RHEL_CRYPTO,
  ...extra,
});

/** Apply an edit to the file map (as the writer would). */
function applied(files: Record<string, string>, edit: Map<string, string>): Record<string, string> {
  return { ...files, ...Object.fromEntries(edit) };
}

/** The only changed lines of a one-file edit, as [removed, added]. */
function delta(before: string, after: string): [string[], string[]] {
  const a = before.split('\n');
  const b = after.split('\n');
  return [a.filter((l) => !b.includes(l)), b.filter((l) => !a.includes(l))];
}

describe('sshd_config lines', () => {
  it.each([
    ['Port 22', 'port', ['22']],
    ['  PermitRootLogin\tno', 'permitrootlogin', ['no']],
    ['PermitRootLogin=no', 'permitrootlogin', ['no']],
    ['PermitRootLogin = no', 'permitrootlogin', ['no']],
    ['Subsystem\tsftp\t/usr/lib/openssh/sftp-server', 'subsystem', ['sftp', '/usr/lib/openssh/sftp-server']],
    ['AcceptEnv LANG LC_*   # locale', 'acceptenv', ['LANG', 'LC_*']],
    ['Banner "/etc/issue net"', 'banner', ['/etc/issue net']],
    ["ForceCommand 'echo a' b\\ c", 'forcecommand', ['echo a', 'b c']],
    ['MaxAuthTries 3 \f\r', 'maxauthtries', ['3']],
  ])('%j', (raw, key, args) => {
    const l = parseSshdLine(raw);
    expect(l.kind).toBe('directive');
    expect(l).toMatchObject({ key, args });
  });

  it('knows comments, blanks and broken lines', () => {
    expect(parseSshdLine('#Port 22').kind).toBe('comment');
    expect(parseSshdLine('   # indented').kind).toBe('comment');
    expect(parseSshdLine(' \t ').kind).toBe('blank');
    expect(parseSshdLine('Banner "unterminated')).toMatchObject({ kind: 'invalid', error: 'invalid quotes' });
    expect(parseSshdLine('Port')).toMatchObject({ kind: 'invalid' });
  });

  it('splits arguments like argv_split, stopping at a # argument', () => {
    expect(splitArgs('a "b c" d#e # f')!.args).toEqual(['a', 'b c', 'd#e']);
    expect(splitArgs("'x")).toBeNull();
  });
});

describe('effective configuration', () => {
  it("Debian 12's stock file: the uncommented settings, each from its line", async () => {
    const cfg = await load(debianFiles());
    expect(effectiveSettings(cfg).map((s) => `${s.keyword} ${s.args.join(' ')} @${s.line}`)).toEqual([
      'KbdInteractiveAuthentication no @62',
      'UsePAM yes @85',
      'X11Forwarding yes @90',
      'PrintMotd no @94',
      'AcceptEnv LANG LC_* @112',
      'Subsystem sftp /usr/lib/openssh/sftp-server @115',
    ]);
    expect(cfg.includes).toEqual([{ file: '/etc/ssh/sshd_config', line: 12, pattern: '/etc/ssh/sshd_config.d/*.conf', files: [], match: null }]);
  });

  it('reads Include globs in order, and the first value wins, as in sshd (a drop-in beats the main file)', async () => {
    const cfg = await load(
      debianFiles({
        '/etc/ssh/sshd_config.d/50-cloud-init.conf': 'PasswordAuthentication no\nX11Forwarding no\n',
        '/etc/ssh/sshd_config.d/10-first.conf': 'PasswordAuthentication yes\n',
        '/etc/ssh/sshd_config.d/.hidden.conf': 'PermitRootLogin yes\n',
        '/etc/ssh/sshd_config.d/README': 'not included\n',
      }),
    );
    expect(cfg.includes[0]!.files).toEqual(['/etc/ssh/sshd_config.d/10-first.conf', '/etc/ssh/sshd_config.d/50-cloud-init.conf']);
    const pa = effectiveValues(cfg, 'passwordauthentication');
    expect(pa).toHaveLength(1);
    expect(pa[0]).toMatchObject({ value: 'yes', file: '/etc/ssh/sshd_config.d/10-first.conf', line: 1 });
    expect(pa[0]!.overridden.map((o) => o.file)).toEqual(['/etc/ssh/sshd_config.d/50-cloud-init.conf']);
    const x11 = effectiveValues(cfg, 'X11Forwarding')[0]!;
    expect(x11).toMatchObject({ value: 'no', file: '/etc/ssh/sshd_config.d/50-cloud-init.conf' });
    expect(x11.overridden).toMatchObject([{ value: 'yes', file: '/etc/ssh/sshd_config', line: 90 }]);
    expect(effectiveValues(cfg, 'PermitRootLogin')).toEqual([]);
  });

  it("RHEL 9: the drop-in and the crypto-policy file it includes; ports and AcceptEnv accumulate", async () => {
    const cfg = await load(rhelFiles({ '/etc/ssh/sshd_config.d/40-ports.conf': 'Port 22\nPort 2222\nAcceptEnv LANG\nAcceptEnv LC_*\n' }));
    expect([...cfg.files.keys()]).toEqual([
      '/etc/ssh/sshd_config',
      '/etc/ssh/sshd_config.d/40-ports.conf',
      '/etc/ssh/sshd_config.d/50-redhat.conf',
      '/etc/crypto-policies/back-ends/opensshserver.config',
    ]);
    expect(effectiveValues(cfg, 'Ciphers')[0]!.file).toBe('/etc/crypto-policies/back-ends/opensshserver.config');
    expect(effectiveValues(cfg, 'SyslogFacility')[0]!.value).toBe('AUTHPRIV');
    expect(effectiveValues(cfg, 'port').map((s) => s.value)).toEqual(['22', '2222']);
    expect(effectiveValues(cfg, 'AcceptEnv').map((s) => s.value)).toEqual(['LANG', 'LC_*']);
    expect(effectiveValues(cfg, 'AuthorizedKeysFile')[0]).toMatchObject({ file: '/etc/ssh/sshd_config', args: ['.ssh/authorized_keys'] });
  });

  it('Match blocks: not global, they end with the file that opens them, and a Match around an Include covers it', async () => {
    const cfg = await load({
      '/etc/ssh/sshd_config': [
        'Include conf.d/*.conf',
        'PasswordAuthentication yes',
        'Match User bob',
        '  PasswordAuthentication no',
        '  Include match.d/*.conf',
        'Match all',
        'X11Forwarding no',
        '',
      ].join('\n'),
      '/etc/ssh/conf.d/a.conf': 'Match Group admins\n  PermitTTY no\n',
      '/etc/ssh/conf.d/b.conf': 'PermitTTY yes\n',
      '/etc/ssh/match.d/m.conf': 'AllowTcpForwarding no\n',
    });
    expect(effectiveSettings(cfg).map((s) => `${s.keyword} ${s.value}`)).toEqual(['PermitTTY yes', 'PasswordAuthentication yes']);
    expect(cfg.matches.map((m) => m.condition)).toEqual(['Group admins', 'User bob', 'all']);
    expect(matchOccurrences(cfg, 'AllowTcpForwarding')).toMatchObject([{ value: 'no', match: { condition: 'User bob' } }]);
    expect(matchOccurrences(cfg, 'x11forwarding')).toMatchObject([{ match: { condition: 'all' } }]);
  });

  it('follows globs in directories, skips directories and dot files, and stops runaway Include recursion', async () => {
    expect(await expandGlob('/etc/ssh/*/x.conf', reader({ '/etc/ssh/a/x.conf': '', '/etc/ssh/b/x.conf': '', '/etc/ssh/c': '' }))).toEqual(['/etc/ssh/a/x.conf', '/etc/ssh/b/x.conf']);
    const cfg = await load({ '/etc/ssh/sshd_config': 'Include sshd_config\n' });
    expect(cfg.problems.join('\n')).toMatch(/nested too deeply/);
  });

  it('reports lines sshd would reject', async () => {
    const cfg = await load({ '/etc/ssh/sshd_config': 'Port\nBanner "x\n' });
    expect(cfg.problems).toEqual(['/etc/ssh/sshd_config line 1: no argument after keyword "Port"', '/etc/ssh/sshd_config line 2: invalid quotes']);
  });

  it('returns null without a main file', async () => {
    expect(await loadSshdConfig(reader({}))).toBeNull();
  });
});

describe('set', () => {
  it('Debian: adds the line right after the commented-out default, nothing else changes', async () => {
    const cfg = await load(debianFiles());
    const edit = setSshdOption(cfg, 'permitrootlogin', 'no');
    const after = edit.get('/etc/ssh/sshd_config')!;
    expect([...edit.keys()]).toEqual(['/etc/ssh/sshd_config']);
    const lines = after.split('\n');
    expect(lines[32]).toBe('#PermitRootLogin prohibit-password');
    expect(lines[33]).toBe('PermitRootLogin no');
    expect(lines.filter((_, i) => i !== 33).join('\n')).toBe(DEBIAN);
    const again = await load({ '/etc/ssh/sshd_config': after });
    expect(effectiveValues(again, 'PermitRootLogin')[0]).toMatchObject({ value: 'no', line: 34 });
  });

  it('edits the first active line in place, keeping indentation, separator and trailing comment', async () => {
    const text = 'Port 22\n\tX11Forwarding=yes   # GUI apps\nX11Forwarding no\n';
    const cfg = await load({ '/etc/ssh/sshd_config': text });
    expect(setSshdOption(cfg, 'x11forwarding', 'no').get('/etc/ssh/sshd_config')).toBe('Port 22\n\tX11Forwarding=no   # GUI apps\nX11Forwarding no\n');
  });

  it('edits the drop-in that sets the value first (sshd reads it before the main file)', async () => {
    const files = debianFiles({ '/etc/ssh/sshd_config.d/50-cloud-init.conf': 'PasswordAuthentication no\n' });
    const edit = setSshdOption(await load(files), 'PasswordAuthentication', 'yes');
    expect([...edit]).toEqual([['/etc/ssh/sshd_config.d/50-cloud-init.conf', 'PasswordAuthentication yes\n']]);
  });

  it('RHEL 9: X11Forwarding lives in 50-redhat.conf, PermitRootLogin goes after its comment in the main file', async () => {
    const cfg = await load(rhelFiles());
    const x11 = setSshdOption(cfg, 'X11Forwarding', 'no');
    expect([...x11.keys()]).toEqual(['/etc/ssh/sshd_config.d/50-redhat.conf']);
    expect(delta(RHEL_DROPIN, x11.get('/etc/ssh/sshd_config.d/50-redhat.conf')!)).toEqual([['X11Forwarding yes'], ['X11Forwarding no']]);
    const prl = setSshdOption(cfg, 'PermitRootLogin', 'no').get('/etc/ssh/sshd_config')!;
    expect(prl).toContain('#PermitRootLogin prohibit-password\nPermitRootLogin no\n#StrictModes yes');
    // The crypto-policy back-end is where Ciphers is set first: the caller refuses to touch it.
    expect([...setSshdOption(cfg, 'Ciphers', 'aes256-ctr').keys()]).toEqual(['/etc/crypto-policies/back-ends/opensshserver.config']);
  });

  it('goes before the first Match block (and the comments that introduce it), or at the end', async () => {
    const text = 'Port 22\n\n# sftp-only users\nMatch Group sftp\n  ForceCommand internal-sftp\n';
    const cfg = await load({ '/etc/ssh/sshd_config': text });
    expect(setSshdOption(cfg, 'PasswordAuthentication', 'no').get('/etc/ssh/sshd_config')).toBe(
      'Port 22\n\nPasswordAuthentication no\n\n# sftp-only users\nMatch Group sftp\n  ForceCommand internal-sftp\n',
    );
    const tight = await load({ '/etc/ssh/sshd_config': 'Port 22\nMatch User x\n  PermitTTY no' });
    expect(setSshdOption(tight, 'PermitTTY', 'yes').get('/etc/ssh/sshd_config')).toBe('Port 22\nPermitTTY yes\n\nMatch User x\n  PermitTTY no');
    const noNewline = await load({ '/etc/ssh/sshd_config': '# empty\nPort 22' });
    expect(setSshdOption(noNewline, 'UseDNS', 'no').get('/etc/ssh/sshd_config')).toBe('# empty\nPort 22\nUseDNS no\n');
    expect(setSshdOption(await load({ '/etc/ssh/sshd_config': '' }), 'port', '2222').get('/etc/ssh/sshd_config')).toBe('Port 2222\n');
  });

  it("does not take a commented default from the commented example Match block", async () => {
    const cfg = await load(debianFiles());
    const after = setSshdOption(cfg, 'ForceCommand', 'internal-sftp').get('/etc/ssh/sshd_config')!;
    expect(after).toBe(`${DEBIAN}ForceCommand internal-sftp\n`);
  });

  it('for keywords that accumulate, the value replaces all global lines (the others are commented out)', async () => {
    const cfg = await load({ '/etc/ssh/sshd_config': 'Port 22\nPort 2222\nMatch User x\n  AllowUsers x\n', '/etc/ssh/sshd_config.d/a.conf': '' });
    expect(setSshdOption(cfg, 'Port', '2200').get('/etc/ssh/sshd_config')).toBe('Port 2200\n#Port 2222\nMatch User x\n  AllowUsers x\n');
  });

  it('Subsystem lines are per subsystem name', async () => {
    const cfg = await load({ '/etc/ssh/sshd_config': 'Subsystem sftp /usr/lib/openssh/sftp-server\n' });
    expect(setSshdOption(cfg, 'Subsystem', 'sftp internal-sftp').get('/etc/ssh/sshd_config')).toBe('Subsystem sftp internal-sftp\n');
    expect(setSshdOption(cfg, 'Subsystem', 'backup /usr/bin/backup').get('/etc/ssh/sshd_config')).toBe('Subsystem sftp /usr/lib/openssh/sftp-server\nSubsystem backup /usr/bin/backup\n');
  });

  it('refuses what is not a setting', async () => {
    const cfg = await load(debianFiles());
    expect(() => setSshdOption(cfg, 'Match', 'User x')).toThrow(SshdConfigError);
    expect(() => setSshdOption(cfg, 'Include', '/tmp/x')).toThrow(/not settings/);
    expect(() => setSshdOption(cfg, 'Port', '22\nPermitRootLogin yes')).toThrow(/line breaks/);
    expect(() => setSshdOption(cfg, 'Port', '   ')).toThrow(/empty/);
    expect(() => setSshdOption(cfg, 'Banner', '"/etc/issue')).toThrow(/unterminated quote/);
    expect(() => setSshdOption(cfg, 'Port 22', 'x')).toThrow(/not an sshd_config keyword/);
  });
});

describe('unset', () => {
  it('comments out every global line, in every file, and leaves Match blocks alone', async () => {
    const files = debianFiles({
      '/etc/ssh/sshd_config.d/50-cloud-init.conf': 'X11Forwarding no\n',
      '/etc/ssh/sshd_config.d/60-match.conf': 'Match User x\n\tX11Forwarding yes\n',
    });
    const edit = unsetSshdOption(await load(files), 'x11forwarding');
    expect(edit.get('/etc/ssh/sshd_config.d/50-cloud-init.conf')).toBe('#X11Forwarding no\n');
    expect(delta(DEBIAN, edit.get('/etc/ssh/sshd_config')!)).toEqual([['X11Forwarding yes'], ['#X11Forwarding yes']]);
    expect(edit.has('/etc/ssh/sshd_config.d/60-match.conf')).toBe(false);
    const after = await load(applied(files, edit));
    expect(effectiveValues(after, 'X11Forwarding')).toEqual([]);
    expect(matchOccurrences(after, 'X11Forwarding')).toHaveLength(1);
  });

  it('changes nothing when the keyword is not set', async () => {
    expect(unsetSshdOption(await load(debianFiles()), 'PermitRootLogin').size).toBe(0);
  });
});

