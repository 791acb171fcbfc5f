import { describe, expect, it } from 'vitest';
import { guestctl, shell } from '../helpers/cli.js';
import { fixturePath, workCopy } from '../helpers/fixtures.js';
import { hostileTestDir } from '../helpers/host-canary.js';

// The change journal on the hostile image (links to host paths, see scripts/fixtures/hostile.sh):
// changes made through escaping links, then `undo --all`. Undo restores guest paths only (the
// links resolve inside the guest, so their before-images are guest files), the host's files the
// links name are never read or written, and `guestctl diff` finds the copy equal to the fixture.

const LONG = { timeout: 600_000 };
const dir = hostileTestDir('guestctl-hostile-undo-');

describe('undo on the hostile image', LONG, () => {
  it('changes through links to host paths are undone inside the guest; the host is untouched; the tree equals the fixture', async () => {
    const img = await workCopy('hostile', dir.path);
    const r = await shell(
      img,
      [
        "write /root/.ssh/planted 'made through a link\\n'",
        'move /home/evil /evil2',
        'chmod -R 0777 /root',
        'mkdir -p /root/.ssh/deep/er',
        'delete /root/escape',
        'changes',
        'undo --all',
      ],
    );
    expect(r.code, r.stderr).toBe(0);
    // The journal names guest paths: the files the links reach inside the guest.
    expect(r.stdout).toContain('created  /tmp/planted');
    expect(r.stdout).toContain('removed     /tmp/planted');
    expect(r.stdout).toContain('restored    /root/escape');
    expect(r.stdout).toContain('restored    /home/evil');
    expect(r.stdout).not.toContain('NOT UNDONE');
    const diff = await guestctl(['diff', fixturePath('hostile'), img, '--json']);
    expect(diff.stderr).toBe('');
    expect(JSON.parse(diff.stdout)).toMatchObject({ identical: true, differences: [] });
    expect(diff.code).toBe(0);
  });
});
