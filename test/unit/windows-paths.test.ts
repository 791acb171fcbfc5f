import { describe, expect, it } from 'vitest';
import { looksLikeWindowsPath, windowsToGuestPath, type WindowsLayout } from '../../src/windows/paths.js';

const layout: WindowsLayout = {
  systemDrive: 'C:',
  drives: [
    { letter: 'C:', device: '/dev/sda2' },
    { letter: 'D:', device: '/dev/sdb1' },
    { letter: 'E:', device: '/dev/sda3' },
    { letter: 'F:', device: null },
  ],
};
const mounts = [
  { device: '/dev/sda2', mountpoint: '/', fstype: 'ntfs' },
  { device: '/dev/sdb1', mountpoint: '/mnt/data', fstype: 'ntfs' },
];
const t = (p: string, l: WindowsLayout = layout) => windowsToGuestPath(p, l, mounts);

describe('windowsToGuestPath', () => {
  it.each([
    ['C:\\Windows\\System32\\drivers\\etc\\hosts', '/Windows/System32/drivers/etc/hosts'],
    ['c:\\', '/'],
    ['C:/Users/Public', '/Users/Public'],
    ['D:\\Backups\\x.zip', '/mnt/data/Backups/x.zip'],
    ['D:\\', '/mnt/data'],
    ['\\Windows\\win.ini', '/Windows/win.ini'],
    ['Users\\Administrator', 'Users/Administrator'],
    ['/etc/hosts', '/etc/hosts'],
    ['relative/unix', 'relative/unix'],
  ])('%s → %s', (typed, expected) => {
    expect(t(typed)).toBe(expected);
  });

  it('takes the system drive as the root when MountedDevices does not name it', () => {
    expect(t('C:\\Windows', { systemDrive: 'C:', drives: [] })).toBe('/Windows');
  });

  it.each([
    ['E:\\x', /drive E: is \/dev\/sda3, which is not mounted/],
    ['F:\\x', /drive F: is on no partition of this image/],
    ['Z:\\x', /no drive Z: in this guest \(drives: C: D: E: F:\)/],
    ['C:Windows', /drive-relative path/],
    ['\\\\server\\share\\x', /network paths/],
  ])('%s fails clearly', (typed, message) => {
    expect(() => t(typed)).toThrow(message);
  });

  it('tells Windows paths from others', () => {
    expect(looksLikeWindowsPath('C:\\')).toBe(true);
    expect(looksLikeWindowsPath('a\\b')).toBe(true);
    expect(looksLikeWindowsPath('/etc/hosts')).toBe(false);
  });
});
