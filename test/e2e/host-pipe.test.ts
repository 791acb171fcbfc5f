import { afterAll, describe, expect, it } from 'vitest';
import { guestctl, leftovers, sessionEnv, shell, tempDir } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';

// `COMMAND | HOSTCOMMAND` on the real Debian image, as a script (-c and stdin) would use it;
// the interactive prompt's side is in repl.test.ts.

const dir = tempDir('guestctl-pipe-');
afterAll(() => {
  expect(leftovers(dir.path)).toEqual([]);
  dir.cleanup();
});

describe('piping a command into a host command', () => {
  it('feeds the guest file to the host command; quoted | is an ordinary character; a failing left side stops the script', async () => {
    const img = await workCopy('debian', dir.path);
    const r = await shell(img, [
      'cat /etc/os-release | grep -c ID',
      `cat /etc/os-release | grep '^ID=' | tr a-z A-Z`,
      `write /tmp/bar.txt 'a|b'`,
      'cat /tmp/bar.txt | od -c | head -1',
      'cd /etc',
      'ls | grep -x hostname',
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2\nID=DEBIAN\ncreated /tmp/bar.txt (3 bytes)\n0000000   a   |   b\nhostname\n');

    const failed = await shell(img, ['cat /etc/no-such-file | wc -l', 'pwd']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('0\n'); // the host command ran and saw an empty input; pwd never ran
    expect(failed.stderr).toMatch(/error: .*\/etc\/no-such-file[\s\S]*stopped at command 1 \(cat \/etc\/no-such-file \| wc -l\)/);

    const hostFails = await shell(img, ['cat /etc/os-release | grep -q NO-SUCH-KEY', 'pwd']);
    expect(hostFails.code).toBe(1);
    expect(hostFails.stderr).toMatch(/stopped at command 1/);
    expect(leftovers(dir.path)).toEqual([]);
  });

  it('refuses a pipe into nothing; --json output goes through the pipe; a script on stdin pipes too', async () => {
    const img = await workCopy('debian', dir.path);
    const empty = await shell(img, ['cat /etc/os-release |']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/error: nothing after '\|'/);

    const json = await shell(img, ['ls /etc | head -c 100', 'info | cat'], ['--json']);
    expect(json.code).toBe(0);
    expect(json.stdout.slice(0, 100)).toMatch(/^\[\n {2}\{\n {4}"name": /);
    expect(json.stdout.length).toBeGreaterThan(100);
    expect(JSON.parse(json.stdout.slice(100))).toMatchObject({ distro: 'debian' });

    const script = await guestctl(['interactive', img], { input: 'cat /etc/hostname | rev\nls /etc/ssh | sort -r | head -1\n', env: sessionEnv(img) });
    expect(script.code).toBe(0);
    expect(script.stdout).toBe('erutxif-21bed\nsshd_config.d\n');
    expect(leftovers(dir.path)).toEqual([]);
  });
});
