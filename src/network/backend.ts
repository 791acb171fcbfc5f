import type { Guest } from '../guest/types.js';
import { firstLine } from '../util/run-tool.js';
import type { FileChange } from '../guest/file-changes.js';
import type { NetworkStack } from './detect.js';
import type { InterfaceConfig, NetChange } from './model.js';

// What each network stack offers the commands: read its files into the model, plan the file
// changes a NetChange makes (with the stack's pure editor), and check the written files with the
// guest's own tool or, where it has none that works offline, by reading them back.

export interface NetworkBackend {
  stack: NetworkStack;
  /** What applies the files on a running guest (said, never run: networking of a live VM is not restarted). */
  reload: string;
  read(guest: Guest): Promise<InterfaceConfig[]>;
  plan(guest: Guest, change: NetChange): Promise<FileChange[]>;
  /** Throws an Error naming the tool and its complaint; the caller restores the files. */
  validate(guest: Guest, change: NetChange): Promise<void>;
  /** Whether DNS servers are an interface setting the guest applies (else resolv.conf / resolved). */
  perInterfaceDns(guest: Guest): Promise<boolean>;
}

/** First non-empty line of a tool's complaint. */
export function complaint(stderr: string, stdout: string, code: number): string {
  return firstLine(stderr) || firstLine(stdout) || `exit status ${code}`;
}
