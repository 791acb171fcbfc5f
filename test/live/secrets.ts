import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestctl, tempDir } from '../helpers/cli.js';
import { agentExec, liveShell, type LiveVm } from '../helpers/live-vm.js';

// No secret in any host process's argv or environment: while live `passwd`, `upload` and
// `edit` run, every process's /proc/PID/cmdline and /proc/PID/environ is read every few
// milliseconds, looking for the password, its base64, and a marker from the file being
// written (and its base64). guestctl's virsh shell must be seen (so the scan watched it).

interface Scan {
  scans: number;
  hits: string[];
  sawVirsh: boolean;
}

function startScan(needles: string[]): { stop(): Scan } {
  const state: Scan = { scans: 0, hits: [], sawVirsh: false };
  const me = String(process.pid);
  const timer = setInterval(() => {
    state.scans++;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || pid === me) continue;
      for (const what of ['cmdline', 'environ']) {
        let text: string;
        try {
          text = readFileSync(`/proc/${pid}/${what}`, 'latin1');
        } catch {
          continue; // the process ended while we looked
        }
        if (what === 'cmdline' && /(^|\/)virsh\0/.test(text)) state.sawVirsh = true;
        for (const n of needles) if (text.includes(n)) state.hits.push(`${n.slice(0, 12)}… in /proc/${pid}/${what}: ${text.replace(/\0/g, ' ').slice(0, 200)}`);
      }
    }
  }, 3);
  return {
    stop() {
      clearInterval(timer);
      return state;
    },
  };
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

export function liveSecretsTests(getVm: () => LiveVm): void {
  describe('no secret in any host argv or environment during live passwd, upload, edit', () => {
    let vm: LiveVm;
    let host: { path: string; cleanup(): void };
    const user = 'guestctl-sec';
    const base = `/root/guestctl-secrets-${process.pid}`;

    beforeAll(async () => {
      vm = getVm();
      host = tempDir('guestctl-live-secrets-');
      const r = await agentExec(vm, ['sh', '-c', `useradd -M ${user} && mkdir -p ${base} && printf 'old\\n' > ${base}/edited.conf`]);
      expect(r.code, r.stderr).toBe(0);
    });
    afterAll(async () => {
      await agentExec(vm, ['sh', '-c', `userdel ${user}; rm -rf ${base}`]);
      host.cleanup();
    });

    it('passwd --domain', async () => {
      // 24 characters: its base64 is also the start of the base64 of "password\n".
      const pw = `Pw-${randomBytes(15).toString('base64url').slice(0, 21)}`;
      const file = join(host.path, 'pw');
      writeFileSync(file, `${pw}\n`, { mode: 0o600 });
      const scan = startScan([pw, b64(pw), b64(`${pw}\n`)]);
      const r = await liveShell(vm, [`passwd ${user} --password-file ${file}`]);
      const s = scan.stop();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`password of ${user} set (yescrypt, computed by the host's mkpasswd)\n`);
      expect(s.hits).toEqual([]);
      expect(s.sawVirsh).toBe(true);
      expect(s.scans).toBeGreaterThan(50);
      const shadow = await agentExec(vm, ['getent', 'shadow', user]);
      expect(shadow.stdout).toMatch(new RegExp(`^${user}:\\$y\\$j9T\\$`));
    }, 300_000);

    it('upload and edit --domain', async () => {
      // At offset 0 (chunks start at multiples of 3 bytes), so its base64 starts the first chunk's.
      const marker = `MARKER-${randomBytes(12).toString('hex')}-END`.padEnd(48, 'x');
      const data = Buffer.concat([Buffer.from(marker), randomBytes(200 << 10)]);
      const up = join(host.path, 'upload.bin');
      writeFileSync(up, data);
      const editMarker = `EDIT-${randomBytes(12).toString('hex')}-END`.padEnd(36, 'y');
      const markerFile = join(host.path, 'edit-content');
      writeFileSync(markerFile, `${editMarker}\n`);
      // The editor copies the new content from a file: the marker is in no argv of its own.
      const editor = join(host.path, 'editor.sh');
      writeFileSync(editor, `#!/bin/sh\ncat ${markerFile} > "$1"\n`, { mode: 0o755 });

      const scan = startScan([marker, b64(marker), editMarker, b64(editMarker)]);
      const r1 = await liveShell(vm, [`upload ${up} ${base}/upload.bin`]);
      const r2 = await guestctl(['edit', '--domain', vm.domain, '--connect', vm.uri, `${base}/edited.conf`], { env: { EDITOR: editor, VISUAL: '', TMPDIR: host.path }, timeoutMs: 300_000 });
      const s = scan.stop();
      expect(r1.code, r1.stderr).toBe(0);
      expect(r2.code, r2.stderr).toBe(0);
      expect(s.hits).toEqual([]);
      expect(s.sawVirsh).toBe(true);
      const sums = await agentExec(vm, ['sh', '-c', `head -c 48 ${base}/upload.bin; echo; cat ${base}/edited.conf`]);
      expect(sums.stdout).toBe(`${marker}\n${editMarker}\n`);
    }, 600_000);
  });
}
