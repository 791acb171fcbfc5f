import { createInterface, type Interface } from 'node:readline';
import { executeLine, ExitRequest, type ShellEnv } from './executor.js';
import type { Lifecycle } from './lifecycle.js';
import { History, HISTORY_MAX } from './history.js';
import { complete } from './complete.js';
import { escapeForTerminal } from './escape.js';

// The prompt: `deb12.qcow2 debian12:/etc> `, completion, history. While a command runs the
// terminal is handed back in cooked mode, so Ctrl-C reaches guestctl as SIGINT and cancels
// that command (the session stays); Ctrl-C on an empty prompt, Ctrl-D or `exit` end it.

export function promptText(env: ShellEnv): string {
  const os = env.guest.os.shortName ?? (env.guest.os.type === 'unknown' ? 'no-os' : env.guest.os.type);
  const c = env.out.color;
  const e = escapeForTerminal; // the OS id comes from the guest's os-release, the cwd from its tree
  return `${c.cyan(e(env.guest.name))} ${c.green(e(os))}:${c.blue(e(env.session.cwd))}> `;
}

export async function runRepl(env: ShellEnv, lifecycle: Lifecycle): Promise<number> {
  const history = new History((text) => env.out.note(text));
  const terminal = env.out.terminal;
  const rl = createInterface({
    input: terminal.input,
    output: terminal.output,
    terminal: true,
    history: history.load(),
    historySize: HISTORY_MAX,
    removeHistoryDuplicates: true,
    completer: (line: string, cb: (err: Error | null, result: [string[], string]) => void) => {
      complete(line, {
        commands: env.registry.commands,
        findCommand: (n) => env.registry.find(n),
        cwd: env.session.cwd,
        listGuestDir: (p) => env.guest.fs.list(p),
      }).then(
        (r) => cb(null, r),
        () => cb(null, [[], line]),
      );
    },
  });

  let lastStatus = 0;
  return new Promise<number>((resolve) => {
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      lifecycle.onIdleSignal = null;
      rl.close();
      resolve(code);
    };
    lifecycle.onIdleSignal = (sig) => {
      terminal.output.write('\n');
      finish(sig === 'SIGINT' ? 130 : sig === 'SIGTERM' ? 143 : 129);
    };
    rl.on('SIGINT', () => {
      if (rl.line.length > 0) {
        terminal.output.write('^C\n');
        (rl as Interface & { line: string }).line = '';
        rl.prompt();
        return;
      }
      terminal.output.write('\n');
      finish(lastStatus);
    });
    rl.on('close', () => finish(lastStatus));
    rl.on('line', (line) => {
      void (async () => {
        history.append(line);
        rl.pause();
        terminal.setRawMode(false);
        // A paused readline still receives keypress events once something else (a prompt,
        // an interactive `run`) resumes stdin: it would echo what is typed there — a
        // password — and later run it as a command and save it in the history. Detach it
        // while the command runs.
        const reattach = terminal.detachKeypress();
        let result: Awaited<ReturnType<typeof executeLine>>;
        try {
          result = await lifecycle.runCommand((signal) => executeLine(line, env, signal));
        } finally {
          reattach();
        }
        if (result instanceof ExitRequest) return finish(result.code);
        lastStatus = result;
        if (finished) return;
        rl.setPrompt(promptText(env));
        terminal.setRawMode(true);
        rl.resume();
        rl.prompt();
      })();
    });
    rl.setPrompt(promptText(env));
    rl.prompt();
  });
}
