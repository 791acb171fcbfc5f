import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { workCopy } from '../helpers/fixtures.js';
import { benchAgentSocket, formatAgentBench } from './agent.js';
import { median } from './transfer.js';
import { benchScan, formatScanBench } from './scan.js';
import { benchLiveVirsh, formatLiveBench } from './live.js';
import { benchInstall, formatInstallBench } from './packages.js';
import { benchBackup } from './backup.js';
import { benchImageDiff } from './image-diff.js';
import { debianPlacements, lvmMbrPlacements, openByHand, type Placement } from './open-by-hand.js';

// `npm run bench`: medians over RUNS runs, and ratios against GNU tools measured in the
// same run on the same mounted guest root. Prints figures; asserts nothing.

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** Each install run fetches the lists and the package: fewer runs. */
const INSTALL_RUNS = Number(process.env.BENCH_INSTALL_RUNS ?? 3);
/** BENCH_ONLY=open,session,...: run only these sections (all when unset). */
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const SECTIONS = ['version', 'open', 'session', 'install', 'agent', 'scan', 'live', 'backup', 'imgdiff'] as const;
const unknownSection = ONLY?.find((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknownSection !== undefined) throw new Error(`BENCH_ONLY: unknown section '${unknownSection}' (expected ${SECTIONS.join(', ')})`);
const wanted = (section: (typeof SECTIONS)[number]) => ONLY === undefined || ONLY.includes(section);


function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function row(label: string, ms: number, goal: string, ref?: { label: string; ms: number }): void {
  const ratio = ref ? `  ${ref.label} ${ref.ms.toFixed(1)} ms  ratio ${(ms / ref.ms).toFixed(2)}x` : '';
  console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms${ratio}   (goal ${goal})`);
}

/** A session kept open on stdin: each `time …` line reports its duration on stderr. */
class Session {
  private readonly child;
  private stderr = '';
  constructor(image: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BIN, 'interactive', image], { stdio: ['pipe', 'ignore', 'pipe'], env });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }
  async time(line: string): Promise<number> {
    const before = this.stderr.length;
    this.child.stdin.write(`time ${line}\n`);
    for (;;) {
      const m = /time: ([\d.]+) ms/.exec(this.stderr.slice(before));
      if (m) return Number(m[1]);
      if (/error:/.test(this.stderr.slice(before))) throw new Error(this.stderr.slice(before));
      await new Promise((res) => setTimeout(res, 5));
    }
  }
  async close(): Promise<void> {
    this.child.stdin.end('exit\n');
    await new Promise((res) => this.child.on('exit', res));
  }
}

/** Commands in one open session, alternately with the host's tools on the same mounted root. */
async function benchSession(image: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const session = new Session(image, env);
  await session.time('pwd');
  const root = join(dir, readdirSync(dir).find((n) => n.startsWith('guestctl-'))!, 'root');
  const gnu = (args: string[]) => timeProcess(args[0]!, args.slice(1));

  /** The same work, alternately by the host tool and by the command in the session. */
  const compare = async (line: string, goal: string, ref: { label: string; args: string[] }) => {
    const theirs: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      theirs.push(gnu(ref.args));
      ours.push(await session.time(line));
    }
    row(`${line} (in session)`, median(ours), goal, { label: ref.label, ms: median(theirs) });
  };

  const duArgs = ['du', '-s', root];
  const findArgs = ['find', root, '-name', '*.conf'];
  gnu(duArgs);
  await session.time('disk-usage /');
  await compare('disk-usage /', '<= 1.5x du -s', { label: 'GNU du -s', args: duArgs });
  await compare("find / -name '*.conf'", '<= 1.5x find', { label: 'GNU find', args: findArgs });
  await compare('packages', '<= 1.5x dpkg-query -W', { label: 'dpkg-query -W', args: ['dpkg-query', '-W', `--admindir=${join(root, 'var/lib/dpkg')}`] });
  // The guest's own tools through chroot on the same mounted root: what a sysadmin would run by hand.
  await compare('tune-show', '<= 3x chroot systemd-sysctl --cat-config', { label: 'chroot systemd-sysctl --cat-config', args: ['chroot', root, '/lib/systemd/systemd-sysctl', '--cat-config'] });
  await compare('cron-list', '< 100 ms', { label: 'chroot run-parts --list /etc/cron.daily', args: ['chroot', root, 'run-parts', '--list', '/etc/cron.daily'] });
  await compare('audit-packages', '<= 1.5x chroot dpkg --verify', { label: 'chroot dpkg --verify', args: ['chroot', root, 'dpkg', '--verify'] });
  const grubShow: number[] = [];
  for (let i = 0; i < RUNS; i++) grubShow.push(await session.time('grub show'));
  row('grub show (in session)', median(grubShow), '< 100 ms');
  const count = execFileSync('find', findArgs.slice(1), { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  console.log(`\n(${count} *.conf files in the guest)`);
  await session.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'guestctl-bench-'));
  const env = { ...process.env, TMPDIR: dir, NO_COLOR: '1', GUESTCTL_HISTORY: '/dev/null' };
  try {
    const image = await workCopy('debian', dir);
    console.log(`guestctl benchmarks — Debian 12 qcow2 fixture, median of ${RUNS} runs\n`);

    if (wanted('version')) {
      timeProcess(process.execPath, [BIN, '--version']);
      row('guestctl --version', median(Array.from({ length: RUNS }, () => timeProcess(process.execPath, [BIN, '--version']))), '<= 150 ms');
    }

    if (wanted('open')) {
      timeProcess(process.execPath, [BIN, 'interactive', image, '-c', 'info'], env);
      const info = Array.from({ length: RUNS }, () => timeProcess(process.execPath, [BIN, 'interactive', image, '-c', 'info'], env));
      row('guestctl interactive deb.qcow2 -c info', median(info), '<= 1000 ms');
    }

    /** `-c info` as a whole process, alternately with the same open + read + close by hand. */
    const openInfo = async (label: string, img: string, placements: Placement[], goal: string) => {
      const args = [BIN, 'interactive', '--ro', img, '-c', 'info'];
      timeProcess(process.execPath, args, env);
      await openByHand(img, placements, dir);
      const ours: number[] = [];
      const byHand: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        ours.push(timeProcess(process.execPath, args, env));
        byHand.push(await openByHand(img, placements, dir));
      }
      row(label, median(ours), goal, { label: 'by hand (qsd export, losetup, mount)', ms: median(byHand) });
    };
    if (wanted('open')) {
      await openInfo('guestctl interactive --ro deb.qcow2 -c info', image, debianPlacements(), '<= 1000 ms');
      await openInfo('guestctl interactive --ro lvm-mbr.qcow2 -c info', await workCopy('layouts-lvm-mbr', dir), lvmMbrPlacements(), '<= 2x by hand');
    }

    if (wanted('session')) await benchSession(image, dir, env);

    if (wanted('backup')) {
      const s = new Session(image, { ...env, XDG_DATA_HOME: dir });
      await s.time('pwd');
      const r = await benchBackup((line) => s.time(line), join(dir, readdirSync(dir).find((n) => n.startsWith('guestctl-'))!, 'root'), dir);
      row('backup /usr --to X.tar.gz (in session)', r.ours, '<= 1.2x GNU tar', { label: 'GNU tar --xattrs --acls -czf', ms: r.gnu });
      await s.close();
    }

    if (wanted('imgdiff')) {
      console.log('\nguestctl diff of two overlays of the Debian fixture:');
      for (const line of await benchImageDiff(dir, env, Math.min(RUNS, 3))) console.log(line);
    }

    if (wanted('install')) {
      console.log("\ninstall hello on the Debian 12 fixture (the guest's apt-get, Debian's mirror):");
      for (const line of formatInstallBench(await benchInstall(dir, await workCopy('debian', dir), env, INSTALL_RUNS))) console.log(line);
    }

    if (wanted('agent')) {
      console.log('\nguest agent over its UNIX socket (real qemu-ga on this host), 16 MiB file:');
      for (const line of formatAgentBench(await benchAgentSocket())) console.log(line);
    }

    if (wanted('scan')) {
      console.log('\nscan: 100 domains (libvirt test driver), 20 agents that never answer, 5 s timeout:');
      for (const line of formatScanBench(await benchScan())) console.log(line);
    }

    if (wanted('live')) {
      console.log('\nlive guest through guestctl\'s long-lived virsh shell (boots the TCG test VM), 2 MiB file:');
      const live = await benchLiveVirsh();
      if (live) for (const line of formatLiveBench(live)) console.log(line);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
