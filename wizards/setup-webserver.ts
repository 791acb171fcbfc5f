import type { Output } from '../src/shell/output.js';
import type { CommandContext } from '../src/shell/command.js';
import { defineCommand } from '../src/shell/command.js';
import { DRY_RUN } from '../src/shell/dry-run.js';
import { distroFamily } from '../src/inspect/distro-family.js';
import { isFile, statOrNull } from '../src/guest/stat-or-null.js';
import { CliError } from '../src/util/errors.js';
import { Asker, wizardOptions } from './_shared/ask.js';
import { firewallChoice, firewallPlan } from './_shared/firewall.js';
import { installStep } from './_shared/packages.js';
import { renderWizard, runPlan, writeContentArg, type Plan, type WizardResult, type WizardStep } from './_shared/runner.js';
import {
  apacheVhost,
  docRootProblem,
  indexHtml,
  nginxServerBlock,
  portProblem,
  siteNameProblem,
  webLayout,
  type WebFamily,
  type WebServer,
} from './_shared/webserver-config.js';

const SERVERS = ['nginx', 'apache'] as const;
const TLS = ['none', 'self-signed'] as const;

export const setupWebserver = defineCommand({
  name: 'setup-webserver',
  category: 'setup-wizards',
  summary: 'Install and configure nginx or Apache with one site (document root, port, optional self-signed TLS, firewall)',
  description:
    'Builds a plan of guestctl commands (install, mkdir, write the page and the site configuration, link it into sites-enabled on ' +
    'Debian, openssl for a self-signed certificate, enable, firewall-add), shows it, and runs it step by step. On a terminal every ' +
    'choice not given as a flag is asked; in a script or with --yes the flags and defaults are taken. A failed step stops the ' +
    "wizard and its steps are undone. Success only after the server's own check (nginx -t / apachectl configtest) and " +
    "systemctl is-enabled. Debian/Ubuntu and RHEL/Fedora families; see the README's wizard section for what goes where.",
  examples: [
    'setup-webserver --server nginx --site example.org --port 8080 --yes',
    'setup-webserver --server apache --site intranet --tls self-signed --no-firewall --dry-run',
    'setup-webserver --server nginx --site shop --port 8443 --tls self-signed --firewall --dry-run',
  ],
  options: {
    server: { type: 'string', valueName: 'nginx|apache', description: 'the web server (default nginx)' },
    site: { type: 'string', valueName: 'NAME', description: "the site's name: its server name and file names (default: the guest's hostname)" },
    root: { type: 'string', valueName: 'DIR', description: 'the document root (default /var/www/NAME)' },
    port: { type: 'string', valueName: 'N', description: 'the port it listens on (default 80, 443 with TLS)' },
    tls: { type: 'string', valueName: 'self-signed|none', description: "TLS with a self-signed certificate made by the guest's openssl (default none)" },
    firewall: { type: 'boolean', description: "open the port in the guest's firewall (installing the distribution's default firewall when none is enabled)" },
    'no-firewall': { type: 'boolean', description: 'leave the firewall as it is (default: open the port when a firewall is enabled)' },
    ...wizardOptions(),
  },
  needs: ['fs', 'exec'],
  os: ['linux'],
  mutates: true,
  // Each step is a command the executor journals on its own; `undo N` reverts them.
  journal: false,
  async run(ctx, args) {
    const ask = new Asker(ctx, args.flag('yes'));
    const family = await webFamily(ctx);
    const server = await ask.choose('server', args.optStr('server'), 'Web server', SERVERS, 'nginx');
    const hostname = ctx.guest.os.hostname;
    const site = await ask.text('site', args.optStr('site'), 'Site name (server name)', hostname && siteNameProblem(hostname) === undefined ? hostname : 'www', siteNameProblem);
    const root = await ask.text('root', args.optStr('root'), 'Document root', `/var/www/${site}`, docRootProblem);
    const tls = await ask.choose('tls', args.optStr('tls'), 'TLS', TLS, 'none');
    const port = Number(await ask.text('port', args.optStr('port'), 'Port', tls === 'self-signed' ? '443' : '80', portProblem));
    const firewall = await firewallChoice(ctx, ask, args.flag('firewall'), args.flag('no-firewall'), `${port}/tcp`);
    const plan = await webserverPlan(ctx, { family, server, site, root, port, tls, firewall });
    return runPlan(ctx, plan, { yes: args.flag('yes'), dryRun: args.flag(DRY_RUN) });
  },
  render(r: WizardResult, out: Output) {
    renderWizard(r, out);
  },
});

async function webFamily(ctx: CommandContext): Promise<WebFamily> {
  const family = await distroFamily(ctx.guest);
  if (family === 'debian' || family === 'rhel') return family;
  throw new CliError('unsupported', `setup-webserver knows the Debian/Ubuntu and RHEL/Fedora layouts; this guest is ${ctx.guest.os.distro ?? 'an unknown distribution'} (${family})`);
}

export interface WebChoices {
  family: WebFamily;
  server: WebServer;
  site: string;
  root: string;
  port: number;
  tls: (typeof TLS)[number];
  /** true: --firewall, false: --no-firewall, undefined: open the port when a firewall is enabled. */
  firewall: boolean | undefined;
}

/** The plan for the choices, after checking nothing of the site exists yet (before anything changes). */
export async function webserverPlan(ctx: CommandContext, c: WebChoices): Promise<Plan> {
  const fs = ctx.guest.fs;
  const layout = webLayout(c.family, c.server, c.site);
  const installed = `${layout.package} is installed by the install step`;
  for (const p of [layout.configPath, layout.enableLink?.[1]]) {
    if (p !== undefined && (await statOrNull(fs, p)) !== null) throw new CliError('exists', `${p} exists already: the site ${c.site} is set up; choose another --site or remove it first`);
  }
  const tls = c.tls === 'self-signed' ? { cert: `${layout.certDir}/${c.site}.crt`, key: `${layout.keyDir}/${c.site}.key` } : undefined;
  for (const p of tls ? [tls.cert, tls.key] : []) {
    if ((await statOrNull(fs, p)) !== null) throw new CliError('exists', `${p} exists already; remove it or choose another --site`);
  }
  const fw = await firewallPlan(ctx, c.family, c.firewall, [`${c.port}/tcp`]);
  const notes = [...fw.notes];
  const packages = [layout.package];
  if (tls && layout.tlsPackage) packages.push(layout.tlsPackage);
  if (tls && !(await isFile(fs, '/usr/bin/openssl'))) packages.push('openssl');
  packages.push(...fw.packages);

  const steps: WizardStep[] = [];
  const install = await installStep(ctx, packages, notes);
  if (install) steps.push(install);
  steps.push({ title: 'create the document root', argv: ['mkdir', '-p', c.root] });
  if (await isFile(fs, `${c.root}/index.html`)) notes.push(`${c.root}/index.html exists: it is kept`);
  else steps.push({ title: 'write the index page', argv: ['write', `${c.root}/index.html`, writeContentArg(indexHtml(c.site, c.server))] });
  const spec = { site: c.site, root: c.root, port: c.port, ...(tls ? { tls } : {}) };
  const config = c.server === 'nginx' ? nginxServerBlock(spec) : apacheVhost(spec, layout.logDir ?? 'logs');
  steps.push({ title: `write the ${c.server} site`, argv: ['write', layout.configPath, writeContentArg(config)], afterEarlier: installed });
  if (layout.enableLink) steps.push({ title: 'enable the site (sites-enabled link)', argv: ['symlink', ...layout.enableLink], afterEarlier: installed });
  if (c.port === 80 && layout.defaultSiteLink) {
    steps.push({ title: "disable the distribution's default site on port 80", argv: ['delete', layout.defaultSiteLink], afterEarlier: installed });
  } else if (c.port === 80 && c.family === 'rhel' && c.server === 'nginx') {
    notes.push("RHEL's nginx.conf keeps its own default server on port 80: requests for other names than the site's go there");
  }
  if (tls) {
    for (const link of layout.tlsModuleLinks ?? []) {
      if ((await statOrNull(fs, link[1])) === null) steps.push({ title: `enable the Apache module file ${link[1].split('/').pop()}`, argv: ['symlink', ...link], afterEarlier: installed });
    }
    steps.push({
      title: 'make a self-signed key and certificate',
      argv: ['run', 'openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '825', '-subj', `/CN=${c.site}`, '-addext', `subjectAltName=DNS:${c.site}`, '-keyout', tls.key, '-out', tls.cert],
      noDryRun: `would run the guest's openssl to write ${tls.key} and ${tls.cert} (the key never leaves the guest)`,
    });
    steps.push({ title: 'make the key readable by root only', argv: ['chmod', '0600', tls.key], noDryRun: 'the key is made by the step before' });
  }
  steps.push({ title: `enable ${layout.service} at boot`, argv: ['enable', layout.service], afterEarlier: installed });
  if (ctx.guest.kind === 'live') steps.push({ title: `restart ${layout.service} with the new site`, argv: ['restart', layout.service] });
  steps.push(...fw.steps);

  const configTest = ctx.guest.kind === 'live' ? layout.configTest : offlineConfigTest(c.family, c.server) ?? layout.configTest;
  const checks = [
    { title: layout.configTest.join(' '), argv: configTest },
    { title: `systemctl is-enabled ${layout.service}`, argv: ['systemctl', 'is-enabled', layout.service], expect: (r: { stdout: string }) => (r.stdout.trim() === 'enabled' ? undefined : `says ${r.stdout.trim()}`) },
  ];
  if (ctx.guest.kind === 'live') checks.push({ title: `systemctl is-active ${layout.service}`, argv: ['systemctl', 'is-active', layout.service], expect: (r) => (r.stdout.trim() === 'active' ? undefined : `says ${r.stdout.trim()}`) });
  if (tls) checks.push({ title: `openssl x509 -noout -subject -in ${tls.cert}`, argv: ['openssl', 'x509', '-noout', '-subject', '-in', tls.cert], expect: (r) => (r.stdout.includes(c.site) ? undefined : `the certificate names ${r.stdout.trim()}`) });
  return {
    wizard: 'setup-webserver',
    choices: { family: c.family, server: c.server, site: c.site, root: c.root, port: String(c.port), tls: c.tls, firewall: c.firewall === undefined ? 'if-enabled' : c.firewall },
    steps,
    checks,
    notes,
  };
}

/**
 * Apache's configtest wants its runtime and lock directories (/run/apache2, /run/lock; /run/httpd),
 * which a booted system makes in its /run tmpfs and an offline image does not have: the same test
 * (apache2 -t with Debian's envvars / httpd -t) with those pointed at a directory made for it.
 */
function offlineConfigTest(family: WebFamily, server: WebServer): string[] | undefined {
  if (server !== 'apache') return undefined;
  const test =
    family === 'debian'
      ? '. /etc/apache2/envvars && APACHE_RUN_DIR="$d" APACHE_LOCK_DIR="$d" APACHE_PID_FILE="$d/pid" apache2 -t'
      : 'httpd -t -C "DefaultRuntimeDir $d" -C "PidFile $d/pid"';
  return ['sh', '-c', `d=$(mktemp -d) || exit 1; ${test}; rc=$?; rm -rf "$d"; exit $rc`];
}
