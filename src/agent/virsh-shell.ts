import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markers, takeStderr, takeStdout, type VirshMarkers } from './virsh-shell-protocol.js';

// One `virsh` interactive shell, started once and fed requests on its standard input, so
// no payload (a password, a file being written) ever appears in a host process's argv or
// environment. One request at a time (the transport queues them).
//
// virsh keeps a readline history and writes it to $XDG_CACHE_HOME/libvirt/virsh/history
// at exit: VIRSH_HISTSIZE=0 keeps it empty, and a private cache directory keeps the
// user's own history untouched. INPUTRC=/dev/null: no user key binding may change what
// is typed.

export type ShellFailure =
  | { kind: 'spawn'; error: NodeJS.ErrnoException }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string }
  | { kind: 'overflow' }
  | { kind: 'timeout' };

export class VirshShellError extends Error {
  constructor(readonly failure: ShellFailure) {
    super(`virsh shell: ${failure.kind}`);
  }
}

interface Pending {
  m: VirshMarkers;
  out: string | null;
  err: string | null;
  resolve(r: { output: string; errors: string }): void;
  reject(e: VirshShellError): void;
  timer: NodeJS.Timeout;
}

export class VirshShell {
  private readonly child: ChildProcess;
  private readonly cacheDir: string;
  private stdout = '';
  private stderr = '';
  private pending: Pending | null = null;
  private seq = 0;
  private dead: ShellFailure | null = null;
  readonly exited: Promise<void>;

  constructor(
    program: string,
    uri: string | undefined,
    env: NodeJS.ProcessEnv,
    private readonly tag: string,
    private readonly maxOutput: number,
  ) {
    this.cacheDir = mkdtempSync(join(tmpdir(), 'guestctl-virsh-'));
    this.child = spawn(program, ['-q', ...(uri ? ['--connect', uri] : [])], {
      env: { ...env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '', TERM: 'dumb', INPUTRC: '/dev/null', VIRSH_HISTSIZE: '0', XDG_CACHE_HOME: this.cacheDir },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own session, without the user's terminal: a Ctrl-C in guestctl's shell does not
      // kill it, and libvirt does not try to start a polkit agent on that terminal.
      detached: true,
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => this.onData('out', d));
    this.child.stderr!.on('data', (d: string) => this.onData('err', d));
    // A write after virsh died: the exit handler reports it.
    this.child.stdin!.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        this.die({ kind: 'spawn', error });
        resolve();
      });
      this.child.on('close', (code, signal) => {
        this.die({ kind: 'exit', code, signal, stderr: this.stderr });
        rmSync(this.cacheDir, { recursive: true, force: true });
        resolve();
      });
    });
    // An idle shell must not keep guestctl alive; a request in flight holds its own timer.
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.dead === null;
  }

  /** Send one request; resolves with its stdout output and its stderr error lines. */
  send(domain: string, json: string, timeoutS: number, guardMs: number, text: (domain: string, json: string, timeoutS: number, tag: string) => string): Promise<{ output: string; errors: string }> {
    if (this.dead) return Promise.reject(new VirshShellError(this.dead));
    const tag = `${this.tag}${(++this.seq).toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.die({ kind: 'timeout' });
        this.child.kill('SIGKILL');
      }, guardMs);
      this.pending = { m: markers(tag), out: null, err: null, resolve, reject, timer };
      this.child.stdin!.write(text(domain, json, timeoutS, tag));
    });
  }

  /** End the shell: EOF on its stdin, SIGKILL if it does not exit within 5 s. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.dead?.kind !== 'spawn') {
      this.child.stdin!.end();
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(t);
    } else await this.exited;
    rmSync(this.cacheDir, { recursive: true, force: true });
  }

  private onData(which: 'out' | 'err', d: string): void {
    if (which === 'out') this.stdout += d;
    else this.stderr += d;
    const p = this.pending;
    if (!p) return;
    if (p.out === null) {
      const r = takeStdout(this.stdout, p.m);
      if (r) {
        p.out = r.output;
        this.stdout = r.rest;
      } else if (this.stdout.length > this.maxOutput) {
        this.die({ kind: 'overflow' });
        this.child.kill('SIGKILL');
        return;
      }
    }
    if (p.err === null) {
      const r = takeStderr(this.stderr, p.m);
      if (r) {
        p.err = r.errors;
        this.stderr = r.rest;
      }
    }
    if (p.out !== null && p.err !== null) {
      this.pending = null;
      clearTimeout(p.timer);
      p.resolve({ output: p.out, errors: p.err });
    }
  }

  private die(f: ShellFailure): void {
    if (!this.dead) this.dead = f;
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.reject(new VirshShellError(this.dead));
  }
}
