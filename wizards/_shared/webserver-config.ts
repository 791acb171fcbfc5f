// Pure text for setup-webserver: the nginx server block, the Apache virtual host and the site's
// index page (text in → text out; the wizard writes them with `write`). The layout per family
// (package, service, where a site goes) is here too, so one table says what is written where.

export type WebServer = 'nginx' | 'apache';
export type WebFamily = 'debian' | 'rhel';

export interface SiteSpec {
  site: string;
  root: string;
  port: number;
  /** Self-signed TLS on `port`: the certificate and key paths in the guest. */
  tls?: { cert: string; key: string };
}

export interface WebLayout {
  /** The package the family's manager installs. */
  package: string;
  /** The systemd unit. */
  service: string;
  /** Where the site's configuration is written. */
  configPath: string;
  /** Debian's sites-enabled link (what a2ensite and the nginx package's layout use): [target, link]. */
  enableLink?: [string, string];
  /** The distribution's own default site on port 80 (Debian), disabled when the new site takes port 80. */
  defaultSiteLink?: string;
  /** The software's own configuration check. */
  configTest: string[];
  /** Apache on Debian: the module links TLS needs (a2enmod ssl), [target, link] each. */
  tlsModuleLinks?: [string, string][];
  /** Apache on RHEL: the package that brings mod_ssl. */
  tlsPackage?: string;
  /** Where the certificate and the key of a self-signed site go. */
  certDir: string;
  keyDir: string;
  /** Apache's log directory as the configuration writes it. */
  logDir?: string;
}

export function webLayout(family: WebFamily, server: WebServer, site: string): WebLayout {
  const certs = family === 'debian' ? { certDir: '/etc/ssl/certs', keyDir: '/etc/ssl/private' } : { certDir: '/etc/pki/tls/certs', keyDir: '/etc/pki/tls/private' };
  if (server === 'nginx') {
    if (family === 'debian') {
      return {
        package: 'nginx',
        service: 'nginx',
        configPath: `/etc/nginx/sites-available/${site}`,
        enableLink: [`../sites-available/${site}`, `/etc/nginx/sites-enabled/${site}`],
        defaultSiteLink: '/etc/nginx/sites-enabled/default',
        configTest: ['nginx', '-t'],
        ...certs,
      };
    }
    return { package: 'nginx', service: 'nginx', configPath: `/etc/nginx/conf.d/${site}.conf`, configTest: ['nginx', '-t'], ...certs };
  }
  if (family === 'debian') {
    return {
      package: 'apache2',
      service: 'apache2',
      configPath: `/etc/apache2/sites-available/${site}.conf`,
      enableLink: [`../sites-available/${site}.conf`, `/etc/apache2/sites-enabled/${site}.conf`],
      defaultSiteLink: '/etc/apache2/sites-enabled/000-default.conf',
      configTest: ['apache2ctl', 'configtest'],
      tlsModuleLinks: ['socache_shmcb.load', 'ssl.load', 'ssl.conf'].map((f) => [`../mods-available/${f}`, `/etc/apache2/mods-enabled/${f}`] as [string, string]),
      logDir: '${APACHE_LOG_DIR}',
      ...certs,
    };
  }
  return {
    package: 'httpd',
    service: 'httpd',
    configPath: `/etc/httpd/conf.d/${site}.conf`,
    configTest: ['apachectl', 'configtest'],
    tlsPackage: 'mod_ssl',
    logDir: 'logs',
    ...certs,
  };
}

const SITE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/;

/** A site name: a host name (letters, digits, '-', dots between labels); it names files and the server name. */
export function siteNameProblem(name: string): string | undefined {
  if (name.length > 253 || !SITE_NAME.test(name)) return 'a site name is a host name: letters, digits, - and . (e.g. example.org or mysite)';
  return undefined;
}

/** A document root: an absolute path without characters that would end a directive (quotes, ;, {}, spaces, $). */
export function docRootProblem(root: string): string | undefined {
  if (!root.startsWith('/')) return 'the document root must be an absolute path';
  if (!/^\/[A-Za-z0-9._/@+-]*$/.test(root)) return 'the document root may hold letters, digits and . _ / @ + - only';
  if (root.split('/').includes('..')) return "the document root must not contain '..'";
  if (root === '/') return 'the document root cannot be /';
  return undefined;
}

export function portProblem(port: string): string | undefined {
  if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return 'a port is a number from 1 to 65535';
  return undefined;
}

export function nginxServerBlock(s: SiteSpec): string {
  const ssl = s.tls ? ' ssl' : '';
  const lines = [
    `# ${s.site}: written by guestctl setup-webserver`,
    'server {',
    `\tlisten ${s.port}${ssl};`,
    `\tlisten [::]:${s.port}${ssl};`,
    `\tserver_name ${s.site};`,
    '',
    `\troot ${s.root};`,
    '\tindex index.html;',
  ];
  if (s.tls) lines.push('', `\tssl_certificate ${s.tls.cert};`, `\tssl_certificate_key ${s.tls.key};`);
  lines.push('', '\tlocation / {', '\t\ttry_files $uri $uri/ =404;', '\t}', '}', '');
  return lines.join('\n');
}

/**
 * The Apache virtual host. `listen`: whether the file must say `Listen PORT` itself (the
 * distribution's ports.conf / httpd.conf already listens on 80, and on 443 once mod_ssl is on).
 */
export function apacheVhost(s: SiteSpec, logDir: string): string {
  const listen = s.port !== 80 && !(s.tls && s.port === 443);
  const lines = [`# ${s.site}: written by guestctl setup-webserver`];
  if (listen) lines.push(`Listen ${s.port}`, '');
  lines.push(
    `<VirtualHost *:${s.port}>`,
    `\tServerName ${s.site}`,
    `\tDocumentRoot ${s.root}`,
    '',
    `\t<Directory ${s.root}>`,
    '\t\tOptions -Indexes',
    '\t\tAllowOverride None',
    '\t\tRequire all granted',
    '\t</Directory>',
  );
  if (s.tls) lines.push('', '\tSSLEngine on', `\tSSLCertificateFile ${s.tls.cert}`, `\tSSLCertificateKeyFile ${s.tls.key}`);
  lines.push('', `\tErrorLog ${logDir}/${s.site}-error.log`, `\tCustomLog ${logDir}/${s.site}-access.log combined`, '</VirtualHost>', '');
  return lines.join('\n');
}

function html(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The site's first page: names the site and the server, so a request shows which site answered. */
export function indexHtml(site: string, server: WebServer): string {
  const name = html(site);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${name}</title>`,
    '</head>',
    '<body>',
    `<h1>${name}</h1>`,
    `<p>This site is served by ${server}. It was set up by guestctl setup-webserver; replace this page with your own.</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
