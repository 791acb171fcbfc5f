import { posix } from 'node:path';
import { defineCommand } from '../../src/shell/command.js';
import type { Output } from '../../src/shell/output.js';
import { DRY_RUN, dryRunOption } from '../../src/shell/dry-run.js';
import { applyChanges, diffOf, planChange, type FileChange } from '../../src/guest/file-changes.js';
import type { Guest } from '../../src/guest/types.js';
import { systemctl } from '../../src/services/systemctl.js';
import { failIfError } from '../../src/live/guest-run.js';
import type { BootHook } from '../../src/firstboot/boot-hooks.js';
import { FIRSTBOOT_DIR, LOG_PATH, PENDING_DIR, RUNNER_PATH, STATE_DIRS } from '../../src/firstboot/layout.js';
import { runnerScript } from '../../src/firstboot/runner.js';
import { commandScript, nextScriptName } from '../../src/firstboot/script-names.js';
import { CliError } from '../../src/util/errors.js';
import { hookFor, listScripts, type ScriptRow } from './_shared/firstboot-files.js';
import { readHostScript } from './_shared/host-script.js';

type FirstbootResult =
  | { action: 'list'; scripts: ScriptRow[]; log: string }
  | { action: 'add'; script: ScriptRow; hook: string; enabled: string | null; live: boolean }
  | { action: 'remove'; script: ScriptRow }
  | { action: 'dry-run'; script: string; enable: string | null; diff: string };

/** Run the hook's enable command in the guest (systemctl offline on an image, through the agent live). */
async function enableHook(guest: Guest, hook: BootHook, signal: AbortSignal): Promise<void> {
  if (!hook.enable) return;
  const [tool, ...rest] = hook.enable as [string, ...string[]];
  const r = tool === 'systemctl' ? await systemctl(guest, rest, signal) : await guest.exec(hook.enable, { env: { LC_ALL: 'C' }, signal });
  failIfError(r, hook.enable.join(' '));
}

/** OpenRC runs local.d only when its `local` service is in the default runlevel. */
async function openrcEnable(guest: Guest, hook: BootHook): Promise<BootHook> {
  if (hook.kind !== 'openrc') return hook;
  const linked = await guest.fs.lstat('/etc/runlevels/default/local').then(
    () => true,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
  );
  return linked ? hook : { ...hook, enable: ['rc-update', 'add', 'local', 'default'] };
}

export const firstboot = defineCommand({
  name: 'firstboot',
  category: 'boot-configuration',
  summary: 'Queue scripts that run once, in order, at the next boot of the guest (as virt-customize --firstboot)',
  description:
    `A script is a file from the HOST (SCRIPT_HOSTFILE) or --command 'CMD' (a \`#!/bin/sh\` script of that line); each is stored as ${PENDING_DIR}/NNNN-name (root, 0700), ` +
    `numbered one past the highest number pending, done or failed, and run in that order. At boot ${RUNNER_PATH} runs each pending script with its output, exit status and a UTC timestamp appended to ${LOG_PATH}, ` +
    `then moves it to ${FIRSTBOOT_DIR}/done/, or to failed/ when it exits non-zero (the runner carries on with the next one). A script is moved out of the queue before it starts, ` +
    'so one that reboots the machine or is killed never runs twice (it stays in failed/). When no script is left the runner disables its own boot hook, and exits non-zero if a script failed. ' +
    'The boot hook: on systemd guests guestctl-firstboot.service (oneshot, after network-online.target, WantedBy=multi-user.target, skipped while the queue is empty), enabled with the guest\'s own systemctl; ' +
    "on sysvinit an /etc/init.d script enabled with the guest's update-rc.d or chkconfig; on OpenRC /etc/local.d/guestctl-firstboot.start (and the local service is added to the default runlevel). " +
    'Without arguments, or with --list, shows the pending, done and failed scripts with their numbers; --remove N drops a pending one. On a running guest the same files are written through the agent: the scripts run at its next boot.',
  examples: ["firstboot --command 'touch /root/fb'", 'firstboot ./setup.sh', 'firstboot --list', 'firstboot --remove 2', "firstboot --command 'apt-get -y install nginx' --dry-run"],
  positionals: [{ name: 'SCRIPT_HOSTFILE', optional: true, complete: 'host-path', hostPath: true, description: 'a script file on the host to run at first boot' }],
  options: {
    command: { type: 'string', valueName: 'CMD', description: "a shell command line to run at first boot (becomes '#!/bin/sh' + CMD)" },
    list: { type: 'boolean', description: 'list the pending, done and failed scripts (the default)' },
    remove: { type: 'string', valueName: 'N', description: 'remove pending script number N' },
    ...dryRunOption(),
  },
  needs: ['fs'],
  mutates: (args) => args.optStr('SCRIPT_HOSTFILE') !== undefined || args.optStr('command') !== undefined || args.optStr('remove') !== undefined,
  journal: { trees: ['/etc'] },
  async run(ctx, args): Promise<FirstbootResult> {
    const host = args.optStr('SCRIPT_HOSTFILE');
    const command = args.optStr('command');
    const remove = args.optStr('remove');
    const chosen = [host !== undefined, command !== undefined, remove !== undefined, args.flag('list')].filter(Boolean).length;
    if (chosen > 1) throw new CliError('usage', 'firstboot takes one of --list, --remove N, SCRIPT_HOSTFILE or --command CMD');
    if (remove !== undefined) return { action: 'remove', script: await removeScript(ctx.guest, remove) };
    if (host === undefined && command === undefined) return { action: 'list', scripts: await listScripts(ctx.guest), log: LOG_PATH };
    if (command !== undefined && command.trim() === '') throw new CliError('usage', 'firstboot --command: the command is empty');

    const source = host !== undefined ? await readHostScript(host, ctx.signal) : { label: 'command', content: Buffer.from(commandScript(command!)) };
    const hook = await openrcEnable(ctx.guest, await hookFor(ctx.guest));
    const name = nextScriptName((await listScripts(ctx.guest)).map((s) => s.name), source.label);
    const scriptPath = `${PENDING_DIR}/${name}`;
    const changes: FileChange[] = [
      await planChange(ctx.guest, RUNNER_PATH, () => runnerScript(hook.disable), { mode: 0o755, uid: 0, gid: 0 }),
      await planChange(ctx.guest, hook.path, () => hook.text, { mode: hook.kind === 'systemd' ? 0o644 : 0o755, uid: 0, gid: 0 }),
    ];
    if (args.flag(DRY_RUN)) {
      const text = source.content.toString('utf8');
      return { action: 'dry-run', script: scriptPath, enable: hook.enable?.join(' ') ?? null, diff: diffOf([...changes, { path: scriptPath, before: null, after: text }]) };
    }
    await ctx.guest.fs.mkdir('/var/lib/guestctl', { parents: true, mode: 0o755 });
    for (const dir of Object.values(STATE_DIRS)) await ctx.guest.fs.mkdir(dir, { parents: true, mode: 0o700 });
    for (const path of [RUNNER_PATH, hook.path]) await ctx.guest.fs.mkdir(posix.dirname(path), { parents: true, mode: 0o755 });
    await applyChanges(ctx.guest, changes, { run: () => enableHook(ctx.guest, hook, ctx.signal) });
    // The script last: the runner and its hook are in place before anything is queued.
    await ctx.guest.fs.writeFile(scriptPath, source.content, { mode: 0o700, uid: 0, gid: 0 });
    const script: ScriptRow = { number: Number(name.slice(0, name.indexOf('-'))), state: 'pending', name, path: scriptPath };
    return { action: 'add', script, hook: hook.path, enabled: hook.enable?.join(' ') ?? null, live: ctx.guest.kind === 'live' };
  },
  render(r: FirstbootResult, out: Output) {
    if (r.action === 'list') {
      if (r.scripts.length === 0) return out.line('no first-boot script');
      out.table(['N', 'STATE', 'SCRIPT'], r.scripts.map((s) => [s.number, s.state, s.path]), { rightAlign: [0] });
      return;
    }
    if (r.action === 'remove') return out.line(`removed first-boot script ${r.script.number} (${r.script.path})`);
    if (r.action === 'dry-run') {
      out.write(r.diff);
      if (r.enable) out.line(`would run in the guest: ${r.enable}`);
      return;
    }
    out.line(`queued first-boot script ${r.script.number}: ${r.script.path}`);
    out.line(`  runs once at the ${r.live ? 'next boot of the running guest' : 'next boot'}; log: ${LOG_PATH}; hook: ${r.hook}${r.enabled ? ` (${r.enabled})` : ''}`);
  },
});

async function removeScript(guest: Guest, arg: string): Promise<ScriptRow> {
  if (!/^\d+$/.test(arg)) throw new CliError('usage', `firstboot --remove: not a script number: '${arg}'`);
  const n = Number(arg);
  const matches = (await listScripts(guest)).filter((s) => s.number === n);
  const pending = matches.find((s) => s.state === 'pending');
  if (!pending) {
    const ran = matches[0];
    throw new CliError(ran ? 'refused' : 'not-found', ran ? `firstboot --remove ${n}: script ${ran.name} already ran (${ran.state})` : `firstboot --remove ${n}: no pending first-boot script number ${n}`);
  }
  await guest.fs.remove(pending.path);
  return pending;
}
