import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { scriptedPrompter } from '../helpers/scripted-prompter.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { editGuestFile, guestBaseName, isWindowsPath } from '../../src/host-editor/edit-guest-file.js';
import type { GuestFs, GuestStat, WriteOptions } from '../../src/guest/types.js';
import { Output } from '../../src/shell/output.js';
import type { Prompter } from '../../src/util/prompter.js';

// The edit flow shared by the shell's `edit` and `guestctl edit --domain`, on an in-memory
// guest: bytes move unchanged (CRLF, BOM, Latin-1), Windows paths reach the guest as typed,
// nothing is written when the guest file changed meanwhile or the write fails, and then the
// edited copy is kept for the user.

const dir = mkdtempSync(join(tmpdir(), 'guestctl-edit-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A host script usable as $EDITOR: it logs the file name it got, then runs `body` on "$1". */
function editor(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\nbasename "$1" > ${dir}/${name}.arg\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

class MemFs {
  files = new Map<string, Buffer>();
  writes: { path: string; data: Buffer; opts?: WriteOptions }[] = [];
  reads = 0;
  /** Called on each read: lets a test change the file "in the guest" meanwhile. */
  onRead: ((n: number) => void) | null = null;
  failWrite: Error | null = null;

  async readFile(path: string): Promise<Buffer> {
    this.reads++;
    this.onRead?.(this.reads);
    const f = this.files.get(path);
    if (!f) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    return Buffer.from(f);
  }
  async writeFile(path: string, data: Buffer | string, opts?: WriteOptions): Promise<void> {
    if (this.failWrite) throw this.failWrite;
    const b = Buffer.from(data);
    this.writes.push({ path, data: b, opts });
    this.files.set(path, b);
  }
  async lstat(path: string): Promise<GuestStat> {
    if (this.files.has(path)) return stat(path, 'file');
    if (path === '/etc' || path === '/') return stat(path, 'directory');
    throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
  }
  async stat(path: string): Promise<GuestStat> {
    return this.lstat(path);
  }
}

function stat(path: string, type: 'file' | 'directory'): GuestStat {
  const t = new Date(0);
  return { path, type, size: 0, mode: 0o644, uid: 0, gid: 0, nlink: 1, inode: 1, mtime: t, atime: t, ctime: t };
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

const noPrompt: Prompter = scriptedPrompter({ interactive: false, password: async () => '' });

let fs: MemFs;
let stdout: ReturnType<typeof sink>;
let out: Output;
beforeEach(() => {
  fs = new MemFs();
  stdout = sink();
  out = new Output(false, false, { stdout: stdout.stream, stderr: sink().stream });
});

const run = (path: string, ed: string, extra: { localPath?: string } = {}) =>
  editGuestFile(fs as unknown as GuestFs, path, { out, prompt: noPrompt, json: false, env: { PATH: process.env.PATH, EDITOR: ed }, ...extra });
const editTemps = () => readdirSync(tmpdir()).filter((n) => n.startsWith('guestctl-edit-') && existsSync(join(tmpdir(), n, 'nps.xml')));

// A Windows file: UTF-8 BOM, CRLF line endings, a Latin-1 byte that is not valid UTF-8.
const NPS = Buffer.concat([
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from('<?xml version="1.0"?>\r\n<Root>\r\n  <Server name="nps1" timeout="30"/>\r\n  <Note>caf'),
  Buffer.from([0xe9]),
  Buffer.from('</Note>\r\n</Root>\r\n'),
]);

describe('editGuestFile: bytes and Windows paths', () => {
  it('recognises Windows paths and names the host copy after the last component', () => {
    expect(['C:\\nps.xml', 'c:/Windows/System32/drivers/etc/hosts', '\\\\srv\\share\\a.txt'].every(isWindowsPath)).toBe(true);
    expect(['/etc/hosts', 'C:', 'relative\\x'].some(isWindowsPath)).toBe(false);
    expect(guestBaseName('C:\\Program Files\\App\\app.ini')).toBe('app.ini');
    expect(guestBaseName('C:/inetpub/web.config')).toBe('web.config');
    expect(guestBaseName('/etc/ssh/sshd_config')).toBe('sshd_config');
  });

  it('C:\\nps.xml: CRLF, BOM and non-UTF-8 bytes come back byte for byte, only the edit changes', async () => {
    fs.files.set('C:\\nps.xml', NPS);
    const ed = editor('ed-timeout.sh', 'sed -i "s/timeout=\\"30\\"/timeout=\\"60\\"/" "$1"');
    const r = await run('C:\\nps.xml', ed);
    expect(readFileSync(`${ed}.arg`, 'utf8').trim()).toBe('nps.xml');
    expect(fs.writes).toHaveLength(1);
    expect(fs.writes[0]!.path).toBe('C:\\nps.xml');
    const expected = Buffer.from(NPS.toString('latin1').replace('timeout="30"', 'timeout="60"'), 'latin1');
    expect(fs.writes[0]!.data.equals(expected)).toBe(true);
    expect(fs.writes[0]!.data.includes(Buffer.from('\r\n  <Server name="nps1" timeout="60"/>\r\n'))).toBe(true);
    expect(r).toMatchObject({ path: 'C:\\nps.xml', changed: true, written: true, created: false });
    expect(r.sha256Before).not.toBe(r.sha256After);
    // Not UTF-8: no text diff, a byte count instead.
    expect(stdout.text()).toBe(`binary content changed: ${NPS.length} → ${NPS.length} bytes\nwrote C:\\nps.xml\n`);
    expect(editTemps()).toEqual([]);
  });

  it('a UTF-8 CRLF file: the diff shows the change, the CRs stay', async () => {
    const text = Buffer.from('[Server]\r\nPort=1812\r\nSecret=abc\r\n');
    fs.files.set('C:/radius/radius.ini', text);
    await run('C:/radius/radius.ini', editor('ed-port.sh', 'sed -i s/1812/1645/ "$1"'));
    expect(fs.writes[0]!.data.toString('latin1')).toBe('[Server]\r\nPort=1645\r\nSecret=abc\r\n');
    expect(stdout.text()).toContain('-Port=1812\r\n+Port=1645\r\n');
  });

  it('saving without changes writes nothing', async () => {
    fs.files.set('C:\\nps.xml', NPS);
    const r = await run('C:\\nps.xml', editor('ed-touch.sh', 'touch "$1"'));
    expect(fs.writes).toEqual([]);
    expect(r).toMatchObject({ changed: false, written: false });
    expect(stdout.text()).toBe('no changes: C:\\nps.xml left as it was\n');
  });
});

describe('editGuestFile: never overwrite, never lose the edit', () => {
  it('the guest file changed while the editor was open: not written, the edit is kept on the host', async () => {
    fs.files.set('/etc/app.conf', Buffer.from('a=1\n'));
    fs.onRead = (n) => {
      if (n === 2) fs.files.set('/etc/app.conf', Buffer.from('a=1\nchanged=elsewhere\n'));
    };
    const err = (await run('/etc/app.conf', editor('ed-a2.sh', 'sed -i s/a=1/a=2/ "$1"')).catch((e: unknown) => e)) as Error;
    expect(fs.writes).toEqual([]);
    const m = /^\/etc\/app\.conf changed in the guest while it was being edited: not written \(your version is kept at (\S+)\)$/.exec(err.message);
    expect(m).not.toBeNull();
    expect(readFileSync(m![1]!, 'utf8')).toBe('a=2\n');
    rmSync(join(m![1]!, '..'), { recursive: true });
  });

  it('a failed write leaves the guest file and keeps the edit on the host', async () => {
    fs.files.set('/etc/app.conf', Buffer.from('a=1\n'));
    fs.failWrite = Object.assign(new Error('upload of /etc/app.conf failed: SHA-256 check failed after the upload'), {});
    const err = (await run('/etc/app.conf', editor('ed-a3.sh', 'sed -i s/a=1/a=3/ "$1"')).catch((e: unknown) => e)) as Error;
    const m = /^upload of \/etc\/app\.conf failed: SHA-256 check failed after the upload: \/etc\/app\.conf was not changed \(your version is kept at (\S+)\)$/.exec(err.message);
    expect(m).not.toBeNull();
    expect(fs.files.get('/etc/app.conf')!.toString()).toBe('a=1\n');
    expect(readFileSync(m![1]!, 'utf8')).toBe('a=3\n');
    rmSync(join(m![1]!, '..'), { recursive: true });
  });

  it('--local PATH: the copy is edited there and kept; an existing PATH is refused before the editor runs', async () => {
    fs.files.set('C:\\nps.xml', NPS);
    const local = join(dir, 'nps-local.xml');
    const r = await run('C:\\nps.xml', editor('ed-l.sh', 'sed -i s/nps1/nps2/ "$1"'), { localPath: local });
    expect(r.local).toBe(local);
    expect(readFileSync(local).equals(fs.files.get('C:\\nps.xml')!)).toBe(true);
    expect(stdout.text().trim().split('\n').pop()).toBe(`wrote C:\\nps.xml (local copy: ${local})`);
    const again = await run('C:\\nps.xml', editor('ed-never.sh', 'exit 9'), { localPath: local }).catch((e: unknown) => e);
    expect((again as Error).message).toBe(`${local} already exists on the host: --local needs a new file name`);
    expect(existsSync(`${join(dir, 'ed-never.sh')}.arg`)).toBe(false);
    // An existing directory: the file goes in it under the guest base name.
    const r2 = await run('C:\\nps.xml', editor('ed-l2.sh', 'sed -i s/nps2/nps3/ "$1"'), { localPath: dir });
    expect(r2.local).toBe(join(dir, 'nps.xml'));
  });
});
