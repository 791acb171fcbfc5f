import { CliError } from '../../../src/util/errors.js';

// What a repository URL may be. Credentials never go into argv (visible in ps, kept in the
// shell's history and in the clone's .git/config): a URL carrying a password or a token is
// refused. Remote helpers (`ext::sh -c ...`, `fd::`) run programs, so they are refused too.

export type UrlKind = 'network' | 'local';

const NETWORK_SCHEMES = new Set(['https', 'http', 'git', 'ssh', 'git+ssh', 'ssh+git', 'ftp', 'ftps']);
// user@host:path, as scp writes it (no scheme, a colon before the first slash).
const SCP_LIKE = /^(?:[^@/:]+@)?[^/:]+:(?!\/\/)/;

export function checkRepositoryUrl(url: string): UrlKind {
  if (url === '' || url.startsWith('-') || /[\s\x00-\x1f\x7f]/.test(url)) throw new CliError('usage', `not a repository URL: ${JSON.stringify(url)}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined && /^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) {
    throw new CliError('usage', `remote helpers (${url.split('::')[0]}::) are not accepted: give an https, ssh or git URL`);
  }
  if (scheme === 'file') return 'local';
  if (scheme !== undefined) {
    if (!NETWORK_SCHEMES.has(scheme)) throw new CliError('usage', `unsupported URL scheme ${scheme}:// (https, http, ssh, git or file)`);
    const authority = url.slice(scheme.length + 3).split(/[/?#]/)[0] ?? '';
    const at = authority.lastIndexOf('@');
    const userinfo = at < 0 ? '' : authority.slice(0, at);
    // ssh://git@host names the login; anything after a colon is a password. Over http(s) even a
    // bare user part is usually a token.
    if (userinfo.includes(':') || (userinfo !== '' && !scheme.includes('ssh'))) {
      throw new CliError('usage', 'the URL carries credentials: use a credential helper or an SSH agent instead (credentials never go on the command line)');
    }
    return 'network';
  }
  if (SCP_LIKE.test(url)) {
    if (/^[^@/]*:[^@/]*@/.test(url)) throw new CliError('usage', 'the URL carries credentials: use a credential helper or an SSH agent instead (credentials never go on the command line)');
    return 'network';
  }
  return 'local';
}

/** A --branch value git would not read as an option or a revision expression. */
export function checkBranchName(name: string): string {
  if (name === '' || name.startsWith('-') || /[\s\x00-\x1f\x7f~^:?*[\\]|\.\.|@\{/.test(name)) throw new CliError('usage', `not a branch or tag name: ${JSON.stringify(name)}`);
  return name;
}
