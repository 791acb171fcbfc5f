import type { KeySpec } from '../luks/key-spec.js';

// What `guestctl interactive` was asked to open and run (parsed by src/cli/interactive.ts).

export interface InteractiveOptions {
  /** An image or directory; empty when a running guest is opened (--domain / --agent-socket). */
  target: string;
  /** The machine's other disks, in order (the first is `target`). */
  moreDisks?: string[];
  /** A running VM: its guest agent socket, or its libvirt domain (and URI). */
  agentSocket?: string;
  domain?: string;
  connect?: string;
  /** With --domain: open the domain's disks even when it runs (read-only then). */
  offline?: boolean;
  readOnly: boolean;
  format?: string;
  /** --key: keys for LUKS volumes. */
  keys: KeySpec[];
  /** Assemble md arrays with the host's md driver (read-write RAID1, other levels). */
  rwRaid?: boolean;
  commands: string[];
  json: boolean;
  keepGoing: boolean;
  color: boolean;
  debug: boolean;
}
