// New SSH host keys at the first boot after sysprep. Fedora/RHEL/SUSE/Arch ship units that make
// missing keys (sshd-keygen@.service, sshd-keygen.service, sshdgenkeys.service): removing the
// keys is enough there. Debian's openssh-server makes them only in its postinst, so a oneshot
// unit of ours runs ssh-keygen -A before sshd while a key is missing.
import type { CommandContext } from '../../../src/shell/command.js';
import { planChange, type FileChange } from '../../../src/guest/file-changes.js';

export const SSH_KEYGEN_UNIT = 'guestctl-ssh-hostkeys.service';
const UNIT_PATH = `/etc/systemd/system/${SSH_KEYGEN_UNIT}`;

const DISTRO_UNITS = ['sshd-keygen@.service', 'sshd-keygen.service', 'sshdgenkeys.service', 'sshd-keygen.target'];
const UNIT_DIRS = ['/usr/lib/systemd/system', '/lib/systemd/system'];

export const UNIT_TEXT = `[Unit]
Description=Generate SSH host keys removed by guestctl sysprep
Before=ssh.service sshd.service
ConditionPathExistsGlob=!/etc/ssh/ssh_host_*_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`;

// ConditionPathExistsGlob=! is true only when NO key exists; one key left over still needs -A for
// the others, but sysprep removes them all, so the unit runs exactly at the first boot after it.

export async function sshKeygenWork(ctx: CommandContext): Promise<{ edits: FileChange[]; commands: string[][] }> {
  for (const dir of UNIT_DIRS) for (const u of DISTRO_UNITS) if (await ctx.guest.fs.exists(`${dir}/${u}`)) return { edits: [], commands: [] };
  if (ctx.guest.os.initSystem !== 'systemd' || !(await ctx.guest.fs.exists('/usr/bin/ssh-keygen'))) return { edits: [], commands: [] };
  return { edits: [await planChange(ctx.guest, UNIT_PATH, () => UNIT_TEXT, { mode: 0o644, uid: 0, gid: 0 })], commands: [['systemctl', 'enable', SSH_KEYGEN_UNIT]] };
}
