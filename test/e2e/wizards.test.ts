// The Quick Setup Wizards on copies of the Debian fixture, flags only (no terminal), each checked
// afterwards from OUTSIDE: a new read-only session runs the guest's own nginx -t / apache2 -t,
// systemctl is-enabled, dpkg -s, getent; the written files are compared with the generators'
// text; a failed wizard and a dry run are compared with an untouched copy by `guestctl diff`.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { indexHtml, nginxServerBlock, apacheVhost } from '../../wizards/_shared/webserver-config.js';

const dir = tempDir('guestctl-wizards-');
const LONG = { timeout: 900_000 };

afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

/**
 * A new session running `run ARGV` per line (read-write: nginx -t opens its error log for writing,
 * Apache's test makes a temporary directory); the output of all of them.
 */
async function inGuest(img: string, lines: string[]): Promise<string> {
  const r = await shell(img, lines.map((l) => `run ${l}`));
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function diffOf(a: string, b: string): Promise<{ identical: boolean; differences: { path: string; status: string }[] }> {
  const r = await guestctl(['diff', a, b, '--json'], { env: sessionEnv(a), timeoutMs: 300_000 });
  expect([0, 1], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout);
}

describe('setup-webserver --server nginx --port 8080 --firewall (flags only)', () => {
  let img: string;
  beforeAll(async () => {
    img = await workCopy('debian', dir.path);
  }, 600_000);

  it('installs nginx and nftables, writes the site and page, links and enables them, opens 8080 in nftables', LONG, async () => {
    const r = await shell(img, ['setup-webserver --server nginx --site shop --port 8080 --firewall'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.steps.map((s: { command: string; status: string }) => `${s.status} ${s.command.split(' ').slice(0, 2).join(' ')}`)).toEqual([
      'done install nginx',
      'done mkdir -p',
      'done write /var/www/shop/index.html',
      'done write /etc/nginx/sites-available/shop',
      'done symlink ../sites-available/shop',
      'done enable nginx',
      'done enable nftables',
      'done firewall-add 8080/tcp',
    ]);
    expect(data.checks.map((c: { title: string; ok: boolean }) => [c.title, c.ok])).toEqual([['nginx -t', true], ['systemctl is-enabled nginx', true]]);
  });

  it("a new session: the guest's nginx -t passes, nginx and nftables are enabled, the files are the wizard's, the rule is in nftables.conf", LONG, async () => {
    const out = await inGuest(img, [
      'nginx -t',
      'systemctl is-enabled nginx nftables',
      'cat /etc/nginx/sites-available/shop',
      'readlink /etc/nginx/sites-enabled/shop',
      'cat /var/www/shop/index.html',
      'dpkg -s nginx',
    ]);
    expect(out).toContain('enabled\nenabled\n');
    expect(out).toContain(nginxServerBlock({ site: 'shop', root: '/var/www/shop', port: 8080 }));
    expect(out).toContain('../sites-available/shop\n');
    expect(out).toContain(indexHtml('shop', 'nginx'));
    expect(out).toMatch(/^Status: install ok installed$/m);
    const nft = await inGuest(img, ['cat /etc/nftables.conf']);
    expect(nft).toMatch(/chain input \{\n\t\ttype filter hook input priority filter;\n\t\ttcp dport 8080 accept\n/);
    const list = await shell(img, ['firewall-list'], ['--ro', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject({ backend: 'nftables', rules: [expect.objectContaining({ port: '8080', proto: 'tcp' })] });
  });

  it('run again for the same site: refused before any change (the site exists)', LONG, async () => {
    const r = await shell(img, ['setup-webserver --server nginx --site shop --port 8080 --firewall']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: \/etc\/nginx\/sites-available\/shop exists already: the site shop is set up; choose another --site or remove it first$/m);
  });
});

describe('setup-webserver --server apache --tls self-signed', () => {
  it("Apache with a self-signed certificate made in the guest: configtest passes, the key is 0600, the vhost is the wizard's", LONG, async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ['setup-webserver --server apache --site intranet --tls self-signed --no-firewall']);
    expect(r.code, r.stderr).toBe(0);
    const out = await inGuest(img, [
      `sh -c '. /etc/apache2/envvars && d=$(mktemp -d) && APACHE_RUN_DIR=$d APACHE_LOCK_DIR=$d apache2 -t; rc=$?; rm -rf "$d"; exit $rc'`,
      'systemctl is-enabled apache2',
      'stat -c %a:%U /etc/ssl/private/intranet.key',
      'openssl x509 -noout -subject -in /etc/ssl/certs/intranet.crt',
      'cat /etc/apache2/sites-available/intranet.conf',
      'readlink /etc/apache2/mods-enabled/ssl.load',
    ]);
    expect(out).toContain('enabled\n600:root\n');
    expect(out).toContain('subject=CN = intranet');
    expect(out).toContain(apacheVhost({ site: 'intranet', root: '/var/www/intranet', port: 443, tls: { cert: '/etc/ssl/certs/intranet.crt', key: '/etc/ssl/private/intranet.key' } }, '${APACHE_LOG_DIR}'));
    expect(out).toContain('../mods-available/ssl.load');
  });
});

describe('a failing wizard undoes its steps; a dry run changes nothing', () => {
  it("nginx -t fails (a broken conf.d file planted before): every step is undone, the image is as an untouched copy's", LONG, async () => {
    // The broken file is planted before nginx is installed: the wizard's own install step puts nginx in, and
    // its undo (purge, which deletes /etc/nginx, then the package state trees back whole) must bring the file back.
    const pristine = await workCopy('debian', dir.path);
    const prep = await shell(pristine, ['mkdir -p /etc/nginx/conf.d', "write /etc/nginx/conf.d/broken.conf 'this is not nginx syntax\\n'"]);
    expect(prep.code, prep.stderr).toBe(0);
    const img = join(dir.path, 'failing.qcow2');
    copyFileSync(pristine, img);
    const r = await shell(img, ['setup-webserver --server nginx --site shop --port 8080 --no-firewall']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: setup-webserver: check nginx -t failed after all steps ran: exit status 1: nginx: configuration file \/etc\/nginx\/nginx.conf test failed; its changes were undone$/m);
    expect(r.stderr).toMatch(/^note: setup-webserver: undid 6 journaled steps: install nginx; mkdir -p \/var\/www\/shop; write \/var\/www\/shop\/index.html /m);
    expect(await diffOf(pristine, img)).toMatchObject({ identical: true, differences: [] });
  });

  it('--dry-run shows the plan with diffs and leaves the image as an untouched copy', LONG, async () => {
    const [pristine, img] = [await workCopy('debian', dir.path), await workCopy('debian', dir.path)];
    const r = await shell(img, ['setup-webserver --server nginx --site shop --port 8080 --firewall --dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1\. \[would run\] install nginx nftables {4}# install nginx, nftables\n {3}would install \d+ packages: .*nginx /m);
    expect(r.stdout).toContain('+++ b/etc/nginx/sites-available/shop\n');
    expect(r.stdout).toContain('+\tlisten 8080;\n');
    expect(r.stdout).toMatch(/\[would run \(not previewed\)\] firewall-add 8080\/tcp {4}# allow 8080\/tcp in nftables\n {3}note: nftables is enabled by the step before/);
    expect(r.stdout).toContain('setup-webserver: dry run, nothing was changed\n');
    expect(await diffOf(pristine, img)).toMatchObject({ identical: true });
  });
});

describe('setup-docker', () => {
  it('--from debian --users alice: docker.io installed (dpkg -s), docker enabled, alice in the group docker', LONG, async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, ['adduser alice', 'setup-docker --from debian --users alice']);
    expect(r.code, r.stderr).toBe(0);
    const out = await inGuest(img, ['dpkg -s docker.io', 'systemctl is-enabled docker', 'getent group docker', 'docker --version']);
    expect(out).toMatch(/^Status: install ok installed$/m);
    expect(out).toMatch(/^enabled$/m);
    expect(out).toMatch(/^docker:x:\d+:alice$/m);
    expect(out).toMatch(/^Docker version /m);
  });

  it("--from docker: Docker's repository cannot be reached from here: one error line naming the step, the image as an untouched copy's", LONG, async () => {
    const [pristine, img] = [await workCopy('debian', dir.path), await workCopy('debian', dir.path)];
    const r = await shell(img, ['setup-docker --from docker']);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:') && !l.startsWith('error: stopped at'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: setup-docker --from docker: step 'fetch Docker's signing key' failed: https:\/\/download\.docker\.com\/linux\/debian\/gpg cannot be reached from the guest \(apt-helper: .+\); nothing was changed$/);
    expect(await diffOf(pristine, img)).toMatchObject({ identical: true });
  });
});
