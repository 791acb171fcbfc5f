import { describe, expect, it } from 'vitest';
import { dir, fakeGuest, file } from '../../helpers/fake-guest.js';
import { runLine } from '../../helpers/run-command.js';
import type { SessionState } from '../../../src/shell/command.js';

function guest() {
  return fakeGuest({
    files: { '/etc': dir(), '/etc/motd': file('hello\n', { mode: 0o644 }), '/etc/hostname': 'web01\n', '/usr/bin/tool': file('#!/bin/sh\n', { mode: 0o755 }) },
    os: { distro: 'debian', hostname: 'web01' },
  });
}

async function run(g: ReturnType<typeof guest>, session: SessionState, line: string, json = false) {
  const r = await runLine(line, { guest: g, session, json });
  expect(r.code, `${line}\n${r.stderr}`).toBe(0);
  return r;
}

/** Runs `lines` in one session on a fresh guest, then `changes ARGS`; its result. */
async function changesAfter(lines: string[], changesLine: string, json = false) {
  const g = guest();
  const session: SessionState = { cwd: '/' };
  for (const line of lines) await run(g, session, line);
  return run(g, session, changesLine, json);
}

describe('changes', () => {
  it('lists write and chmod in order with their before-images; a dry run is not recorded', async () => {
    const r = await changesAfter(["write /etc/motd 'bye\\n'", "write /etc/issue 'new\\n'", 'chmod 0700 /usr/bin/tool'], 'changes', true);
    const { records } = JSON.parse(r.stdout);
    expect(records.map((x: { seq: number; command: string }) => [x.seq, x.command])).toEqual([
      [1, "write /etc/motd 'bye\\n'"],
      [2, "write /etc/issue 'new\\n'"],
      [3, 'chmod 0700 /usr/bin/tool'],
    ]);
    expect(records[0].paths).toEqual([
      { path: '/etc/motd', change: 'modified', before: { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 6, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    ]);
    expect(records[1].paths).toEqual([{ path: '/etc/issue', change: 'created', before: 'absent' }]);
    expect(records[2].paths[0]).toMatchObject({ path: '/usr/bin/tool', change: 'modified', before: { type: 'file', mode: 0o755 } });
    expect(records.every((x: { ok: boolean }) => x.ok)).toBe(true);
  });

  it('--diff shows before/after of text files; read-only commands and dry runs leave no record', async () => {
    const r = await changesAfter(["write /etc/motd 'bye\\n'", 'cat /etc/motd', 'hostname web02 --dry-run'], 'changes --diff');
    expect(r.stdout).toBe("1. write /etc/motd 'bye\\n'\n   modified /etc/motd (was file 0644 0:0)\n--- a/etc/motd\n+++ b/etc/motd\n@@ -1 +1 @@\n-hello\n+bye\n");
  });

  it('records the files a configuration command writes through applyChanges', async () => {
    const { records } = JSON.parse((await changesAfter(['hostname web02'], 'changes --diff', true)).stdout);
    const hostname = records[0].paths.find((p: { path: string }) => p.path === '/etc/hostname');
    expect(hostname).toMatchObject({ change: 'modified', diff: expect.stringContaining('-web01\n+web02') });
  });

  it('says so when nothing changed', async () => {
    const r = await changesAfter([], 'changes');
    expect(r.stdout).toBe('no changes in this session\n');
  });
});
