import { CliError, type ErrorCode } from '../util/errors.js';

// Every failure of the guest agent path ends up as one AgentError with a kind and one
// clear sentence, whichever transport reported it (qemu-ga's JSON error on the socket, or
// virsh's error text).

export type AgentErrorKind =
  | 'no-channel' // the domain has no org.qemu.guest_agent.0 channel
  | 'not-connected' // channel present, nobody answers (guest booting, agent not installed/running)
  | 'timeout' // the agent took longer than allowed
  | 'not-running' // the domain is shut off or paused
  | 'disabled' // the RPC is blocked by the guest's qemu-ga configuration
  | 'unknown-command' // the guest's qemu-ga is too old for this RPC
  | 'guest' // the guest reported an error (its own text)
  | 'no-domain' // libvirt knows no such domain
  | 'libvirt' // libvirt itself failed (connection, driver)
  | 'protocol' // garbage on the wire, oversized reply, closed connection
  | 'too-large'; // a request or reply beyond the transport's limits

export class AgentError extends CliError {
  constructor(
    readonly kind: AgentErrorKind,
    message: string,
    readonly detail: { command?: string; guestClass?: string; guestDesc?: string } = {},
  ) {
    super(codeOf(kind), message);
    this.name = 'AgentError';
  }
}

function codeOf(kind: AgentErrorKind): ErrorCode {
  if (kind === 'no-channel' || kind === 'disabled' || kind === 'unknown-command') return 'unsupported';
  if (kind === 'no-domain') return 'not-found';
  return 'failed';
}

/** The guest setting to change when qemu-ga refuses an RPC. */
export function disabledMessage(command: string): string {
  return (
    `the guest agent refuses ${command}: it is disabled in the guest's qemu-ga configuration. ` +
    `To allow it, remove it from qemu-ga's --block-rpcs (block-rpcs= in /etc/qemu/qemu-ga.conf) or add it to --allow-rpcs; ` +
    `on RHEL/CentOS/Fedora edit BLOCK_RPCS (older: BLACKLIST_RPC) or the --allow-rpcs list in FILTER_RPC_ARGS in /etc/sysconfig/qemu-ga, ` +
    `then restart qemu-guest-agent`
  );
}

export interface AgentTarget {
  /** e.g. "domain web01" or "socket /run/qga.sock" */
  label: string;
  domain?: string;
  uri?: string;
}

/** A JSON error from qemu-ga ({class, desc}), classified. */
export function fromGuestError(command: string, err: { class?: unknown; desc?: unknown }): AgentError {
  const klass = typeof err.class === 'string' ? err.class : undefined;
  const desc = typeof err.desc === 'string' ? err.desc : (klass ?? 'unknown error');
  const detail = { command, guestClass: klass, guestDesc: desc };
  const disabled = /Command (\S+) has been disabled/i.exec(desc) ?? /The command (\S+) has been disabled/i.exec(desc);
  if (disabled || klass === 'CommandDisabled') return new AgentError('disabled', disabledMessage(disabled?.[1] ?? command), detail);
  const missing = /(?:The )?command (\S+) has not been found/i.exec(desc);
  if (missing || klass === 'CommandNotFound')
    return new AgentError('unknown-command', `the guest agent does not know ${missing?.[1] ?? command}: its qemu-ga is too old or not QEMU's`, detail);
  return new AgentError('guest', `guest agent: ${cleanDesc(desc)}`, detail);
}

/** "Guest agent command failed, error was 'X'" → "X" (qemu-ga's wrapper adds nothing). */
export function cleanDesc(desc: string): string {
  const m = /^Guest agent command failed, error was '(.*)'$/s.exec(desc);
  return (m ? m[1]! : desc).replace(/[\u201c\u201d]/g, '"').split('\n')[0]!;
}

/**
 * virsh's error text (stderr, LC_ALL=C), classified. Real examples:
 *   error: argument unsupported: QEMU guest agent is not configured
 *   error: Guest agent is not responding: QEMU guest agent is not connected
 *   error: Guest agent is not responding: Guest agent not available for now      (timeout)
 *   error: Requested operation is not valid: domain is not running
 *   error: internal error: unable to execute QEMU agent command 'guest-exec': Command guest-exec has been disabled
 *   error: internal error: unable to execute QEMU agent command 'guest-exec': Guest agent command failed, error was '…'
 *   error: failed to get domain 'x'
 */
export function fromVirshError(stderr: string, command: string, target: AgentTarget, timeoutS: number): AgentError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const text = lines.join('\n');
  const dom = target.domain ?? target.label;
  const detail = { command, guestDesc: text };
  if (/QEMU guest agent is not configured/i.test(text))
    return new AgentError(
      'no-channel',
      `domain ${dom} has no guest agent channel: add <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel> to its XML (virsh edit ${dom}) and restart it`,
      detail,
    );
  if (/QEMU guest agent is not connected|Guest agent disappeared while executing command/i.test(text))
    return new AgentError('not-connected', notConnectedMessage(target), detail);
  if (/QEMU guest agent is not available due to an error/i.test(text))
    return new AgentError(
      'not-connected',
      `libvirt marked the guest agent of ${dom} as broken (after an error or an oversized reply): restart qemu-guest-agent in the guest, or the domain`,
      detail,
    );
  if (/Guest agent not available for now|Guest agent is not responding|Timed out during operation/i.test(text))
    return new AgentError('timeout', timeoutMessage(command, target, timeoutS), detail);
  if (/domain is not running/i.test(text)) return new AgentError('not-running', `domain ${dom} is not running (start it: virsh start ${dom})`, detail);
  if (/failed to get domain|Domain not found/i.test(text))
    return new AgentError('no-domain', `no domain named '${dom}'${target.uri ? ` on ${target.uri}` : ''} (see: virsh list --all)`, detail);
  if (/failed to connect to the hypervisor/i.test(text)) {
    const why = lines.find((l) => /^error:/i.test(l) && !/failed to connect to the hypervisor/i.test(l))?.replace(/^error:\s*/i, '');
    return new AgentError('libvirt', `cannot connect to libvirt${why ? `: ${why}` : ''}`, detail);
  }
  if (/not supported by the connection driver/i.test(text))
    return new AgentError('libvirt', `this libvirt connection does not support guest agent commands (${firstError(lines)})`, detail);
  const agent = /unable to execute QEMU agent command '([^']+)': (.*)$/is.exec(text);
  if (agent) return fromGuestError(agent[1]!, { desc: agent[2]! });
  if (/has been disabled/i.test(text)) return fromGuestError(command, { desc: text });
  return new AgentError('libvirt', `virsh: ${firstError(lines) || 'failed without a message'}`, detail);
}

function firstError(lines: string[]): string {
  return (lines.find((l) => l.startsWith('error:')) ?? lines[0] ?? '').replace(/^error:\s*/, '');
}

export function notConnectedMessage(target: AgentTarget): string {
  if (target.domain)
    return `the guest agent of domain ${target.domain} is not connected: the guest is still booting, or qemu-guest-agent is not installed or not running in it`;
  return `no answer from the guest agent on ${target.label}: the guest is still booting, qemu-guest-agent is not running in it, or another client holds the socket`;
}

export function timeoutMessage(command: string, target: AgentTarget, timeoutS: number): string {
  return `the guest agent (${target.label}) did not answer ${command} within ${formatSeconds(timeoutS)}: the guest is busy or its agent hung`;
}

function formatSeconds(s: number): string {
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

const ERRNO_TEXT: [RegExp, string][] = [
  [/No such file or directory|Directory nonexistent/i, 'ENOENT'],
  [/Permission denied/i, 'EACCES'],
  [/Operation not permitted/i, 'EPERM'],
  [/Is a directory/i, 'EISDIR'],
  [/Not a directory/i, 'ENOTDIR'],
  [/File exists/i, 'EEXIST'],
  [/Directory not empty/i, 'ENOTEMPTY'],
  [/Read-only file system/i, 'EROFS'],
  [/No space left on device/i, 'ENOSPC'],
  [/Too many levels of symbolic links/i, 'ELOOP'],
  [/Invalid cross-device link/i, 'EXDEV'],
  [/Invalid argument/i, 'EINVAL'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Text file busy/i, 'ETXTBSY'],
];

/** The errno code named by an error text (strerror wording, as coreutils, busybox and qemu-ga print it). */
export function errnoFromText(text: string): string | null {
  for (const [re, code] of ERRNO_TEXT) if (re.test(text)) return code;
  return null;
}
