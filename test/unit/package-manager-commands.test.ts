import { describe, expect, it } from 'vitest';
import { installStep, refreshStep, removeStep, searchStep, upgradeStep } from '../../src/packages/manager-commands.js';

// The argv and environment each package manager is given, step by step.

const KEEP = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

describe('apt', () => {
  it('non-interactive, keeping changed config files, names after --', () => {
    expect(installStep('apt', ['hello', 'at'])).toEqual({
      label: 'apt-get install',
      argv: ['apt-get', '-y', ...KEEP, 'install', '--', 'hello', 'at'],
      env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
      network: true,
    });
    expect(installStep('apt', ['nginx'], { noRecommends: true }).argv).toEqual(['apt-get', '-y', ...KEEP, 'install', '--no-install-recommends', '--', 'nginx']);
    expect(installStep('apt', ['/var/tmp/.guestctl-ab.deb']).argv.slice(-2)).toEqual(['--', '/var/tmp/.guestctl-ab.deb']);
  });

  it('refresh, remove, purge, upgrade, search', () => {
    expect(refreshStep('apt')).toMatchObject({ argv: ['apt-get', 'update'], network: true });
    expect(removeStep('apt', ['hello'])).toMatchObject({ argv: ['apt-get', '-y', ...KEEP, 'remove', '--', 'hello'], network: false });
    expect(removeStep('apt', ['hello'], true).argv).toEqual(['apt-get', '-y', ...KEEP, 'purge', '--', 'hello']);
    expect(upgradeStep('apt').argv).toEqual(['apt-get', '-y', ...KEEP, 'upgrade']);
    expect(upgradeStep('apt', ['openssl']).argv).toEqual(['apt-get', '-y', ...KEEP, 'install', '--only-upgrade', '--', 'openssl']);
    expect(searchStep('apt', 'nginx')).toMatchObject({ argv: ['apt-cache', 'search', '--', 'nginx'], network: false });
  });
});

describe('the other managers', () => {
  it.each([
    ['dnf', ['dnf', '-y', 'install', '--', 'hello']],
    ['yum', ['yum', '-y', 'install', '--', 'hello']],
    ['zypper', ['zypper', '--non-interactive', 'install', 'hello']],
    ['pacman', ['pacman', '-S', '--noconfirm', '--needed', 'hello']],
    ['apk', ['apk', 'add', 'hello']],
  ] as const)('%s install', (m, argv) => {
    expect(installStep(m, ['hello']).argv).toEqual(argv);
  });

  it('--no-recommends where the manager has them', () => {
    expect(installStep('dnf', ['x'], { noRecommends: true }).argv).toEqual(['dnf', '-y', '--setopt=install_weak_deps=False', 'install', '--', 'x']);
    expect(installStep('zypper', ['x'], { noRecommends: true }).argv).toEqual(['zypper', '--non-interactive', 'install', '--no-recommends', 'x']);
  });

  it('local package files', () => {
    expect(installStep('pacman', ['/var/tmp/.guestctl-1.pkg.tar.zst']).argv).toEqual(['pacman', '-U', '--noconfirm', '--needed', '/var/tmp/.guestctl-1.pkg.tar.zst']);
    expect(installStep('apk', ['/var/tmp/.guestctl-1.apk']).argv).toEqual(['apk', 'add', '--allow-untrusted', '/var/tmp/.guestctl-1.apk']);
    expect(installStep('dnf', ['/var/tmp/.guestctl-1.rpm']).argv).toEqual(['dnf', '-y', 'install', '--', '/var/tmp/.guestctl-1.rpm']);
  });

  it.each([
    ['dnf', null, ['dnf', '-y', 'remove', '--', 'x'], ['dnf', '-y', 'upgrade'], ['dnf', '-q', 'search', '--', 'x']],
    ['yum', null, ['yum', '-y', 'remove', '--', 'x'], ['yum', '-y', 'upgrade'], ['yum', '-q', 'search', '--', 'x']],
    ['zypper', ['zypper', '--non-interactive', 'refresh'], ['zypper', '--non-interactive', 'remove', 'x'], ['zypper', '--non-interactive', 'update'], ['zypper', '--non-interactive', '--quiet', 'search', '--', 'x']],
    ['pacman', ['pacman', '-Sy', '--noconfirm'], ['pacman', '-R', '--noconfirm', 'x'], ['pacman', '-Su', '--noconfirm'], ['pacman', '-Ss', '--', 'x']],
    ['apk', ['apk', 'update'], ['apk', 'del', 'x'], ['apk', 'upgrade'], ['apk', 'search', '-v', '-d', 'x']],
  ] as const)('%s refresh, remove, upgrade, search', (m, refresh, remove, upgrade, search) => {
    expect(refreshStep(m)?.argv ?? null).toEqual(refresh);
    expect(removeStep(m, ['x']).argv).toEqual(remove);
    expect(upgradeStep(m).argv).toEqual(upgrade);
    expect(searchStep(m, 'x').argv).toEqual(search);
  });

  it('purge and named upgrades', () => {
    expect(removeStep('pacman', ['x'], true).argv).toEqual(['pacman', '-Rns', '--noconfirm', 'x']);
    expect(removeStep('apk', ['x'], true).argv).toEqual(['apk', '--purge', 'del', 'x']);
    expect(upgradeStep('dnf', ['x']).argv).toEqual(['dnf', '-y', 'upgrade', '--', 'x']);
    expect(upgradeStep('zypper', ['x']).argv).toEqual(['zypper', '--non-interactive', 'update', 'x']);
  });
});
