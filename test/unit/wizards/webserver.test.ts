import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/shell/command.js';
import { fakeGuest, dir, type FakeGuestSpec } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import { scriptedPrompter } from '../../helpers/scripted-prompter.js';
import { apacheVhost, docRootProblem, indexHtml, nginxServerBlock, portProblem, siteNameProblem, webLayout } from '../../../wizards/_shared/webserver-config.js';
import { webserverPlan, type WebChoices } from '../../../wizards/setup-webserver.js';
import { commandLine } from '../../../wizards/_shared/runner.js';
import { groupMembers, dockerRepoLine } from '../../../wizards/_shared/docker-config.js';

// setup-webserver's pure text (server block, vhost, page), its plan per family and choice, and its
// questions; the runner itself is tested in runner.test.ts, the real run in test/e2e/wizards.test.ts.

describe('web server configuration text', () => {
  it('nginx: a server block on the port, with TLS when asked', () => {
    expect(nginxServerBlock({ site: 'example.org', root: '/var/www/example.org', port: 8080 })).toBe(
      '# example.org: written by guestctl setup-webserver\nserver {\n\tlisten 8080;\n\tlisten [::]:8080;\n\tserver_name example.org;\n\n\troot /var/www/example.org;\n\tindex index.html;\n\n\tlocation / {\n\t\ttry_files $uri $uri/ =404;\n\t}\n}\n',
    );
    const tls = nginxServerBlock({ site: 's', root: '/srv/s', port: 443, tls: { cert: '/etc/ssl/certs/s.crt', key: '/etc/ssl/private/s.key' } });
    expect(tls).toContain('\tlisten 443 ssl;\n\tlisten [::]:443 ssl;\n');
    expect(tls).toContain('\tssl_certificate /etc/ssl/certs/s.crt;\n\tssl_certificate_key /etc/ssl/private/s.key;\n');
  });

  it('apache: Listen only where the distribution does not listen already (80; 443 with mod_ssl)', () => {
    expect(apacheVhost({ site: 'a', root: '/var/www/a', port: 80 }, '${APACHE_LOG_DIR}')).not.toContain('Listen');
    expect(apacheVhost({ site: 'a', root: '/var/www/a', port: 8080 }, 'logs')).toMatch(/^# a: .*\nListen 8080\n\n<VirtualHost \*:8080>\n\tServerName a\n\tDocumentRoot \/var\/www\/a\n/);
    const tls = apacheVhost({ site: 'a', root: '/var/www/a', port: 443, tls: { cert: '/c', key: '/k' } }, 'logs');
    expect(tls).not.toContain('Listen');
    expect(tls).toContain('\tSSLEngine on\n\tSSLCertificateFile /c\n\tSSLCertificateKeyFile /k\n');
    expect(tls).toContain('\tErrorLog logs/a-error.log\n');
  });

  it('the page names the site (HTML-escaped) and the server', () => {
    expect(indexHtml('example.org', 'nginx')).toContain('<title>example.org</title>');
    expect(indexHtml('a&b', 'apache')).toContain('<h1>a&amp;b</h1>');
    expect(indexHtml('x', 'apache')).toContain('served by apache');
  });

  it.each([
    ['example.org', undefined],
    ['my-site', undefined],
    ['-bad', 'host name'],
    ['a b', 'host name'],
    ['a;b', 'host name'],
    ['../x', 'host name'],
  ])('site name %j', (name, problem) => {
    const p = siteNameProblem(name);
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toContain(problem);
  });

  it('document roots and ports that would break the configuration are refused', () => {
    expect(docRootProblem('/var/www/a')).toBeUndefined();
    expect(docRootProblem('var/www')).toMatch(/absolute/);
    expect(docRootProblem('/var/www/a;b')).toMatch(/letters/);
    expect(docRootProblem('/var/www/a b')).toMatch(/letters/);
    expect(docRootProblem('/var/../etc')).toMatch(/\.\./);
    expect(docRootProblem('/')).toMatch(/cannot be \//);
    expect(portProblem('8080')).toBeUndefined();
    for (const p of ['0', '65536', 'http', '80x', '']) expect(portProblem(p)).toMatch(/1 to 65535/);
  });

  it('layouts: Debian sites-available + sites-enabled link, RHEL conf.d', () => {
    expect(webLayout('debian', 'nginx', 's')).toMatchObject({ package: 'nginx', configPath: '/etc/nginx/sites-available/s', enableLink: ['../sites-available/s', '/etc/nginx/sites-enabled/s'] });
    expect(webLayout('debian', 'apache', 's')).toMatchObject({ package: 'apache2', service: 'apache2', configPath: '/etc/apache2/sites-available/s.conf', configTest: ['apache2ctl', 'configtest'] });
    expect(webLayout('rhel', 'nginx', 's')).toMatchObject({ package: 'nginx', configPath: '/etc/nginx/conf.d/s.conf' });
    expect(webLayout('rhel', 'nginx', 's').enableLink).toBeUndefined();
    expect(webLayout('rhel', 'apache', 's')).toMatchObject({ package: 'httpd', service: 'httpd', configPath: '/etc/httpd/conf.d/s.conf', tlsPackage: 'mod_ssl', keyDir: '/etc/pki/tls/private' });
  });

  it('docker: the repository line and the members of a group line', () => {
    expect(dockerRepoLine('debian', 'bookworm', 'amd64')).toBe('deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable\n');
    expect(groupMembers('docker:x:998:alice,bob\n')).toEqual(['alice', 'bob']);
    expect(groupMembers('docker:x:998:\n')).toEqual([]);
  });
});

const unitList = (enabled: string[]) => ({
  stdout: ['nftables.service', 'ufw.service', 'firewalld.service', 'ssh.service'].map((u) => `${u} ${enabled.includes(u) ? 'enabled' : 'disabled'} enabled`).join('\n'),
});

function guest(opts: { dpkg?: string; distro?: string; enabled?: string[]; files?: FakeGuestSpec['files']; kind?: 'image' | 'live' } = {}) {
  return fakeGuest({
    kind: opts.kind ?? 'image',
    os: { distro: opts.distro ?? 'debian', hostname: 'web01', packageManager: opts.distro === 'fedora' ? 'dnf' : 'apt' },
    files: { '/usr/bin/openssl': '', '/etc': dir(), '/var/lib/dpkg/status': opts.dpkg ?? '', ...opts.files },
    exec: { systemctl: () => unitList(opts.enabled ?? []) },
  });
}

const ctxOf = (g: ReturnType<typeof guest>) => ({ guest: g, signal: new AbortController().signal }) as unknown as CommandContext;
const choices = (c: Partial<WebChoices> = {}): WebChoices => ({ family: 'debian', server: 'nginx', site: 'web01', root: '/var/www/web01', port: 80, tls: 'none', firewall: undefined, ...c });
const lines = async (g: ReturnType<typeof guest>, c: Partial<WebChoices>) => (await webserverPlan(ctxOf(g), choices(c))).steps.map((s) => commandLine(s.argv).replace(/^write (\S+) .*/, 'write $1 …'));

describe('setup-webserver plans', () => {
  it('Debian nginx on 8080 with an nftables firewall enabled: install, page, site, link, enable, firewall-add', async () => {
    const p = await webserverPlan(ctxOf(guest({ enabled: ['nftables.service'] })), choices({ port: 8080 }));
    expect(p.steps.map((s) => commandLine(s.argv).replace(/^write (\S+) .*/, 'write $1 …'))).toEqual([
      'install nginx',
      'mkdir -p /var/www/web01',
      'write /var/www/web01/index.html …',
      'write /etc/nginx/sites-available/web01 …',
      'symlink ../sites-available/web01 /etc/nginx/sites-enabled/web01',
      'enable nginx',
      'firewall-add 8080/tcp',
    ]);
    expect(p.checks.map((c) => c.title)).toEqual(['nginx -t', 'systemctl is-enabled nginx']);
    expect(p.notes).toEqual([]);
  });

  it('port 80 on Debian disables the default site; --no-firewall and no firewall leave it, with a note', async () => {
    expect(await lines(guest(), { firewall: false })).toContain('delete /etc/nginx/sites-enabled/default');
    const p = await webserverPlan(ctxOf(guest()), choices());
    expect(p.steps.some((s) => s.argv[0] === 'firewall-add')).toBe(false);
    expect(p.notes).toEqual(['no firewall is enabled in the guest: nothing to open for 80/tcp (--firewall installs and enables one)']);
  });

  it('--firewall on a guest without one installs and enables the family default (nftables; firewalld on RHEL)', async () => {
    expect(await lines(guest(), { port: 8080, firewall: true })).toEqual(expect.arrayContaining(['install nginx nftables', 'enable nftables', 'firewall-add 8080/tcp']));
    expect(await lines(guest({ distro: 'fedora' }), { family: 'rhel', port: 8080, firewall: true })).toEqual(expect.arrayContaining(['install nginx firewalld', 'enable firewalld', 'firewall-add 8080/tcp']));
  });

  it('RHEL httpd with TLS: mod_ssl, conf.d, the key made by the guest openssl and chmod 0600, no Listen for 443', async () => {
    const g = guest({ distro: 'fedora' });
    const p = await webserverPlan(ctxOf(g), choices({ family: 'rhel', server: 'apache', port: 443, tls: 'self-signed', firewall: false }));
    const cmds = p.steps.map((s) => commandLine(s.argv));
    expect(cmds[0]).toBe('install httpd mod_ssl');
    expect(cmds).toContain('chmod 0600 /etc/pki/tls/private/web01.key');
    expect(cmds.find((c) => c.startsWith('run openssl req -x509'))).toContain('-keyout /etc/pki/tls/private/web01.key -out /etc/pki/tls/certs/web01.crt');
    const vhost = p.steps.find((s) => s.argv[1] === '/etc/httpd/conf.d/web01.conf')!;
    expect(vhost.argv[2]).toContain('SSLEngine on');
    expect(vhost.argv[2]).not.toContain('Listen');
    expect(p.checks.map((c) => c.title)).toEqual(['apachectl configtest', 'systemctl is-enabled httpd', 'openssl x509 -noout -subject -in /etc/pki/tls/certs/web01.crt']);
  });

  it('Debian Apache with TLS turns on mod_ssl by its links (as a2enmod ssl) unless they are there', async () => {
    const cmds = await lines(guest({ files: { '/etc/apache2/mods-enabled/socache_shmcb.load': '' } }), { server: 'apache', port: 443, tls: 'self-signed', firewall: false });
    expect(cmds).toEqual(expect.arrayContaining(['symlink ../mods-available/ssl.load /etc/apache2/mods-enabled/ssl.load', 'symlink ../mods-available/ssl.conf /etc/apache2/mods-enabled/ssl.conf']));
    expect(cmds.some((c) => c.includes('socache_shmcb'))).toBe(false);
  });

  it('a live guest restarts the server after enabling it, and checks it is active', async () => {
    const p = await webserverPlan(ctxOf(guest({ kind: 'live' })), choices({ port: 8080, firewall: false }));
    expect(p.steps.map((s) => commandLine(s.argv))).toContain('restart nginx');
    expect(p.checks.map((c) => c.title)).toContain('systemctl is-active nginx');
  });

  it('packages the guest has already are not installed again (the plan says so)', async () => {
    const g = guest({ dpkg: 'Package: nginx\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.22.1-9\n\n', enabled: ['nftables.service'] });
    const p = await webserverPlan(ctxOf(g), choices({ port: 8080 }));
    expect(p.steps[0]!.argv).toEqual(['mkdir', '-p', '/var/www/web01']);
    expect(p.notes).toEqual(['installed already: nginx']);
  });

  it('an existing page is kept; an existing site, certificate or key is refused before anything changes', async () => {
    expect(await lines(guest({ files: { '/var/www/web01/index.html': 'mine' } }), { firewall: false })).not.toContain('write /var/www/web01/index.html …');
    await expect(webserverPlan(ctxOf(guest({ files: { '/etc/nginx/sites-available/web01': 'x' } })), choices())).rejects.toThrow('/etc/nginx/sites-available/web01 exists already');
    await expect(webserverPlan(ctxOf(guest({ files: { '/etc/ssl/private/web01.key': 'x' } })), choices({ tls: 'self-signed' }))).rejects.toThrow('/etc/ssl/private/web01.key exists already');
  });
});

describe('setup-webserver questions', () => {
  it('a terminal asks every choice not given (defaults shown), then the plan; "no" changes nothing', async () => {
    const g = guest({ enabled: ['nftables.service'] });
    const asked: string[] = [];
    const prompt = scriptedPrompter({
      choose: (async (q: string, choices: readonly string[], initial?: string) => (asked.push(`${q} [${choices.join('|')}] (${initial})`), q === 'Web server' ? 'apache' : 'none')) as never,
      text: async (q, o) => (asked.push(`${q} (${o?.initial})`), q === 'Port' ? '8081' : o!.initial!),
      confirm: async (q, d) => (asked.push(`${q} (${d})`), q.startsWith('Open') ? true : false),
    });
    const r = await runLine('setup-webserver', { guest: g, prompt, tty: true });
    expect(r.code).toBe(130);
    expect(asked).toEqual([
      'Web server [nginx|apache] (nginx)',
      'Site name (server name) (web01)',
      'Document root (/var/www/web01)',
      'TLS [none|self-signed] (none)',
      'Port (80)',
      "Open 8081/tcp in the guest's firewall (nftables)? (true)",
      'Run these 7 steps? (true)',
    ]);
    expect(r.stderr).toContain('  1. install apache2    # install apache2\n');
    expect(r.stderr).toContain('  7. firewall-add 8081/tcp    # allow 8081/tcp in nftables\n');
  });

  it('flags are not asked again; a bad flag is a usage error naming it', async () => {
    const asked: string[] = [];
    const prompt = scriptedPrompter({ confirm: async (q) => (asked.push(q), false) });
    const r = await runLine('setup-webserver --server nginx --site a --root /srv/a --tls none --port 8080 --no-firewall', { guest: guest(), prompt, tty: true });
    expect(r.code).toBe(130);
    expect(asked).toEqual(['Run these 6 steps?']);
    const bad = await runLine('setup-webserver --server lighttpd --yes', { guest: guest() });
    expect(bad).toMatchObject({ code: 2, stderr: 'error: --server must be one of nginx, apache, not lighttpd\n' });
    const port = await runLine('setup-webserver --port 99999 --yes', { guest: guest() });
    expect(port.stderr).toBe('error: --port 99999: a port is a number from 1 to 65535\n');
  });

  it('without a terminal, or with --yes, the defaults are taken and nothing is asked (the install fails here: no apt in the fake guest)', async () => {
    for (const [line, prompt] of [['setup-webserver', scriptedPrompter({ interactive: false })], ['setup-webserver --yes', scriptedPrompter()]] as const) {
      const g = guest();
      const r = await runLine(line, { guest: g, prompt, tty: prompt.interactive });
      expect(r.code, r.stderr).toBe(1);
      // (on the terminal, the progress line is cleared before the error)
      const errors = r.stderr.match(/error: .*/g);
      expect(errors).toHaveLength(1);
      expect(errors![0]).toMatch(/^error: setup-webserver: step 1 \(install nginx\) failed: .+/);
      expect(await g.fs.exists('/var/www')).toBe(false);
    }
  });

  it('a distribution without a known layout is refused with its name', async () => {
    const r = await runLine('setup-webserver --yes', { guest: fakeGuest({ os: { distro: 'arch' } }) });
    expect(r.stderr).toBe('error: setup-webserver knows the Debian/Ubuntu and RHEL/Fedora layouts; this guest is arch (other)\n');
  });
});
