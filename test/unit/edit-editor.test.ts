import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProgram, pickEditor } from '../../src/host-editor/edit-guest-file.js';

// Which editor `edit` runs: $VISUAL, then $EDITOR, then nano, then vi, the first found on PATH.

const bin = mkdtempSync(join(tmpdir(), 'guestctl-editors-'));
const empty = mkdtempSync(join(tmpdir(), 'guestctl-noeditors-'));
afterAll(() => {
  rmSync(bin, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});
for (const name of ['vi', 'myedit', 'code']) {
  writeFileSync(join(bin, name), '#!/bin/sh\n');
  chmodSync(join(bin, name), 0o755);
}
writeFileSync(join(bin, 'nano'), 'not executable\n');

describe('pickEditor', () => {
  it('prefers $VISUAL, then $EDITOR', () => {
    expect(pickEditor({ PATH: bin, VISUAL: 'myedit', EDITOR: 'code' })).toEqual({ source: '$VISUAL', program: join(bin, 'myedit'), args: [] });
    expect(pickEditor({ PATH: bin, EDITOR: 'code -w' })).toEqual({ source: '$EDITOR', program: join(bin, 'code'), args: ['-w'] });
  });

  it('skips a value that is not on PATH, and an empty one', () => {
    expect(pickEditor({ PATH: bin, VISUAL: 'nowhere', EDITOR: '' }).program).toBe(join(bin, 'vi'));
  });

  it('falls back to nano, then vi (a non-executable nano does not count)', () => {
    expect(pickEditor({ PATH: bin })).toEqual({ source: 'default', program: join(bin, 'vi'), args: [] });
  });

  it('splits arguments with shell quoting, expanding variables from the environment', () => {
    expect(pickEditor({ PATH: bin, HOME: '/home/me', EDITOR: `vi -u "$HOME/my vimrc" -c 'set nu'` })).toEqual({
      source: '$EDITOR',
      program: join(bin, 'vi'),
      args: ['-u', '/home/me/my vimrc', '-c', 'set nu'],
    });
  });

  it('takes a path with a slash as is', () => {
    expect(pickEditor({ PATH: empty, EDITOR: join(bin, 'code') + ' --wait' })).toEqual({ source: '$EDITOR', program: join(bin, 'code'), args: ['--wait'] });
  });

  it('refuses shell operators and says what it tried when nothing is found', () => {
    expect(() => pickEditor({ PATH: bin, EDITOR: 'vi; rm -rf /' })).toThrow(/\$EDITOR must be a program and its arguments, without shell operators/);
    expect(() => pickEditor({ PATH: empty, VISUAL: 'emacs', EDITOR: 'joe -x' })).toThrow(
      'no editor found on the host PATH (tried $VISUAL=emacs, $EDITOR=joe -x, nano, vi): set EDITOR',
    );
  });

  it('findProgram looks only for executable files', () => {
    expect(findProgram('code', `${empty}:${bin}`)).toBe(join(bin, 'code'));
    expect(findProgram('nano', bin)).toBeNull();
    expect(findProgram('sh', '')).toBeNull();
  });
});
